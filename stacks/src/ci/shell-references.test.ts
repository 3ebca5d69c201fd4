import { commandsOf, joinPath, referencesOf } from "./shell-references";

describe("commandsOf", () => {
  it("splits on separators outside quotes, keeps quoted text whole", () => {
    expect(commandsOf(`a && b 'x && y' ; c | d\ne "f;g"`)).toEqual([["a"], ["b", "x && y"], ["c"], ["d"], ["e", "f;g"]]);
  });

  it("treats command substitutions, even inside double quotes, as commands", () => {
    expect(commandsOf(`echo "STORE=$(pnpm store path --silent)" >> "$GITHUB_ENV"`)).toContainEqual(["pnpm", "store", "path", "--silent"]);
  });

  it("drops comments, heredoc bodies, variable assignments and shell keywords", () => {
    const script = ["# node gone.mjs", "FOO=1 BAR=2 node kept.mjs", "cat <<'EOF'", "node in-heredoc.mjs", "EOF", "if bash cond.sh; then x; fi"].join("\n");
    expect(commandsOf(script)).toEqual([["node", "kept.mjs"], ["cat"], ["bash", "cond.sh"], ["x"]]);
  });

  it("joins continued lines", () => {
    expect(commandsOf("pnpm exec cdktf deploy \\\n  dev-network")).toEqual([["pnpm", "exec", "cdktf", "deploy", "dev-network"]]);
  });
});

describe("referencesOf", () => {
  it("finds package scripts: bare, run, test alias, filtered and in a directory", () => {
    expect(referencesOf("pnpm lint && pnpm run synth && pnpm test && pnpm --filter @x/stacks e2e && pnpm -C stacks cost", "."))
      .toEqual([
        expect.objectContaining({ kind: "script", script: "lint", target: { dir: "." } }),
        expect.objectContaining({ kind: "script", script: "synth", target: { dir: "." } }),
        expect.objectContaining({ kind: "script", script: "test", target: { dir: "." } }),
        expect.objectContaining({ kind: "script", script: "e2e", target: { filter: "@x/stacks" } }),
        expect.objectContaining({ kind: "script", script: "cost", target: { dir: "stacks" } }),
      ]);
  });

  it("ignores pnpm built-ins, recursive runs without a filter, and names built from variables", () => {
    expect(referencesOf('pnpm install --frozen-lockfile; pnpm -r typecheck; pnpm run "$TASK"; pnpm exec cdktf synth')).toEqual([]);
  });

  it("finds files run by an interpreter, by pnpm exec, or by path", () => {
    expect(referencesOf("node scripts/a.mjs x; bash scripts/b.sh; ./scripts/c.sh; pnpm --filter @x/s exec bun src/ci/d.ts e", "."))
      .toEqual([
        expect.objectContaining({ kind: "file", path: "scripts/a.mjs", dir: { dir: "." } }),
        expect.objectContaining({ kind: "file", path: "scripts/b.sh" }),
        expect.objectContaining({ kind: "file", path: "./scripts/c.sh" }),
        expect.objectContaining({ kind: "file", path: "src/ci/d.ts", dir: { filter: "@x/s" } }),
      ]);
  });

  it("checks both an installed interpreter's path and the script it runs", () => {
    expect(referencesOf("stacks/node_modules/.bin/bun stacks/src/ci/pipeline.ts target dev")).toEqual([
      expect.objectContaining({ kind: "file", path: "stacks/node_modules/.bin/bun" }),
      expect.objectContaining({ kind: "file", path: "stacks/src/ci/pipeline.ts" }),
    ]);
  });

  it("leaves inline code and runtime paths alone", () => {
    expect(referencesOf(`node -p 'require("./package.json").name'; bash "$RUNNER_TEMP/x.sh"; bun test`)).toEqual([]);
  });

  it("resolves against the step's working directory", () => {
    expect(referencesOf("node ../scripts/x.mjs", "stacks")).toEqual([expect.objectContaining({ path: "../scripts/x.mjs", dir: { dir: "stacks" } })]);
    expect(joinPath("stacks", "../scripts/x.mjs")).toBe("scripts/x.mjs");
    expect(joinPath(".", "./a/b")).toBe("a/b");
  });
});
