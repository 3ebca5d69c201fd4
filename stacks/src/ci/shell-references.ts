/**
 * Finds what a `run:` script refers to in the repository: package scripts run through pnpm and
 * files run by an interpreter or by path. It reads shell the way these workflows write it (simple
 * commands joined by `&&`, `;`, pipes and `$(...)`), not every shell construct; anything built
 * from a variable or an expression is left alone rather than guessed.
 */

/** Where a pnpm command runs: a `--filter` selector or a directory (relative to the repository). */
export type PackageTarget = { readonly filter: string } | { readonly dir: string };

export type Reference =
  | { readonly kind: "script"; readonly script: string; readonly target: PackageTarget; readonly command: string }
  | { readonly kind: "file"; readonly path: string; readonly dir: PackageTarget; readonly command: string };

/** pnpm commands that are not package scripts. */
const PNPM_BUILTINS = new Set([
  "add", "approve-builds", "audit", "bin", "config", "create", "dedupe", "deploy", "dlx", "env", "exec", "fetch",
  "i", "import", "install", "install-test", "licenses", "link", "list", "ls", "outdated", "pack", "patch",
  "patch-commit", "prune", "publish", "rebuild", "remove", "rm", "root", "run", "self-update", "server", "setup",
  "store", "test", "t", "uninstall", "unlink", "up", "update", "why", "help", "-v", "--version", "-h", "--help",
]);
/** pnpm `test`/`t` runs the `test` script. */
const PNPM_SCRIPT_ALIASES: Record<string, string> = { test: "test", t: "test" };
const INTERPRETERS = new Set(["node", "bun", "bash", "sh", "python", "python3", "tsx", "ts-node"]);
const SHELL_KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac", "!", "time", "{", "}"]);
const FILE_LIKE = /^(\.\/)?[\w@.-]+(\/[\w@.-]+)*$/;
const SCRIPT_EXTENSION = /\.(sh|bash|mjs|cjs|js|ts|mts|py)$/;

function stripHeredocs(script: string): string {
  const lines = script.split("\n");
  const out: string[] = [];
  let terminator: string | undefined;
  for (const line of lines) {
    if (terminator !== undefined) {
      if (line.trim() === terminator) terminator = undefined;
      continue;
    }
    const heredoc = line.match(/<<-?\s*['"]?(\w+)['"]?/);
    if (heredoc) terminator = heredoc[1];
    out.push(line.replace(/<<-?\s*['"]?\w+['"]?/, ""));
  }
  return out.join("\n");
}

/**
 * Splits on command separators outside quotes. Single-quoted text is opaque; inside double quotes
 * only command substitutions start a new command, as in the shell.
 */
function segmentsOf(text: string): string[] {
  const segments: string[] = [];
  let current = "";
  let quote: "'" | '"' | undefined;
  const cut = () => {
    segments.push(current);
    current = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (quote === "'") {
      current += c;
      if (c === "'") quote = undefined;
    } else if (two === "$(") {
      cut();
      i++;
    } else if (c === "`" || c === ")") {
      cut();
    } else if (quote === '"') {
      current += c;
      if (c === '"' && text[i - 1] !== "\\") quote = undefined;
    } else if (c === "'" || c === '"') {
      current += c;
      quote = c;
    } else if (two === "&&" || two === "||") {
      cut();
      i++;
    } else if (c === "\n" || c === ";" || c === "|" || c === "(" || c === "&") {
      cut();
    } else if (c === "#" && (current === "" || /\s$/.test(current))) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else {
      current += c;
    }
  }
  cut();
  return segments;
}

/** Simple commands as token lists, quotes removed, comments and heredoc bodies dropped. */
export function commandsOf(script: string): string[][] {
  return segmentsOf(stripHeredocs(script).replace(/\\\n/g, " "))
    .map((segment) => (segment.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((t) => t.replace(/^(["'])(.*)\1$/, "$2")))
    .map((tokens) => {
      let i = 0;
      while (i < tokens.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[i]!) || SHELL_KEYWORDS.has(tokens[i]!))) i++;
      return tokens.slice(i);
    })
    .filter((tokens) => tokens.length > 0 && !["for", "case"].includes(tokens[0]!));
}

const literal = (token: string | undefined): token is string => token !== undefined && !token.includes("$") && !token.includes("*");

export function looksLikeFile(token: string): boolean {
  return FILE_LIKE.test(token) && (token.includes("/") || SCRIPT_EXTENSION.test(token)) && !token.startsWith("-");
}

function pnpmReferences(tokens: string[], cwd: string, command: string): Reference[] {
  let target: PackageTarget = { dir: cwd };
  let recursive = false;
  let i = 1;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "--filter" || t === "-F") target = { filter: tokens[++i] ?? "" };
    else if (t.startsWith("--filter=")) target = { filter: t.slice("--filter=".length) };
    else if (t === "-C" || t === "--dir") target = { dir: joinPath(cwd, tokens[++i] ?? "") };
    else if (t === "-r" || t === "--recursive") recursive = true;
    else if (!t.startsWith("-")) break;
  }
  const sub = tokens[i];
  if (!literal(sub) || ("filter" in target && !literal(target.filter)) || ("filter" in target && target.filter.includes("..."))) return [];
  if (recursive && !("filter" in target)) return [];
  if (sub === "exec") {
    const bin = tokens[i + 1];
    const file = tokens.slice(i + 2).find((t) => !t.startsWith("-"));
    if (bin !== undefined && INTERPRETERS.has(bin) && literal(file) && looksLikeFile(file)) return [{ kind: "file", path: file, dir: target, command }];
    return [];
  }
  const script = sub === "run" ? tokens[i + 1] : PNPM_SCRIPT_ALIASES[sub] ?? (PNPM_BUILTINS.has(sub) ? undefined : sub);
  return literal(script) && !script.startsWith("-") ? [{ kind: "script", script, target, command }] : [];
}

function interpreterReference(tokens: string[], cwd: string, command: string): Reference[] {
  let args = tokens.slice(1);
  if (tokens[0] === "bun" && args[0] === "run") args = args.slice(1);
  const first = args[0];
  // `node -e`, `bash -c`, `python3 -`: inline code, no file.
  if (first === undefined || first.startsWith("-")) return [];
  return literal(first) && looksLikeFile(first) ? [{ kind: "file", path: first, dir: { dir: cwd }, command }] : [];
}

/** The references of one `run:` script executed in `cwd` (relative to the repository root). */
export function referencesOf(script: string, cwd = "."): Reference[] {
  const refs: Reference[] = [];
  for (const tokens of commandsOf(script)) {
    const command = tokens.join(" ");
    const cmd = tokens[0]!;
    if (cmd === "pnpm") refs.push(...pnpmReferences(tokens, cwd, command));
    else if (INTERPRETERS.has(cmd)) refs.push(...interpreterReference(tokens, cwd, command));
    else if (literal(cmd) && cmd.includes("/") && looksLikeFile(cmd)) {
      refs.push({ kind: "file", path: cmd, dir: { dir: cwd }, command });
      // `stacks/node_modules/.bin/bun x.ts`: an installed interpreter, whose script must exist too.
      if (INTERPRETERS.has(cmd.slice(cmd.lastIndexOf("/") + 1))) refs.push(...interpreterReference(tokens, cwd, command));
    }
  }
  return refs;
}

/** `a/b` + `../c` → `a/c`; `.` + `x` → `x`. Paths stay relative to the repository root. */
export function joinPath(base: string, path: string): string {
  if (path.startsWith("/")) return path;
  const parts: string[] = [];
  for (const part of `${base}/${path}`.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.length === 0 ? "." : parts.join("/");
}
