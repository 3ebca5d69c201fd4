/**
 * cdktf resolves every value of every stack through one recursive function that, for each string,
 * number, key and array element, joins the diagnostic path (`"/" + prefix.join("/")`), copies the
 * path array, and allocates a context object with two closures, whether or not the value holds a
 * token: at 100 services a quarter of synth (`bun --cpu-prof`, see the README's "Measured").
 * `installFastResolve` puts in its place the same function with that bookkeeping done only where it
 * is read: a context is still made, as cdktf makes it, for every token, string with a token marker
 * and tokenized list or map, and the path is joined only for an error message. Values without a
 * token take the same branches and come out the same (`fast-resolve.test.ts` compares the two on
 * generated token trees and on every stack; `pnpm bench:synth --scale --base` compares the files).
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */

type Any = any;

// cdktf's own modules (no "exports" map, so its lib/ paths are reachable); the same instances cdktf uses.
const resolveModule = require("cdktf/lib/tokens/private/resolve") as { resolve: (obj: unknown, options: Any) => unknown };
const encoding = require("cdktf/lib/tokens/private/encoding") as Any;
const { TokenMap } = require("cdktf/lib/tokens/private/token-map") as Any;
const { Token } = require("cdktf/lib/tokens/token") as Any;
const { StringConcat } = require("cdktf/lib/tokens/resolvable") as Any;
const errors = require("cdktf/lib/errors") as Any;

const original = resolveModule.resolve;
/** The mark of a fragment already resolved (packages/constructs/src/policy/model/resolve-once.ts). */
const RESOLVED = Symbol.for("bun-fargate.resolved-fragment");

/** The key path of a value, kept as a chain and joined only for an error message. */
interface Path {
  readonly parent: Path | undefined;
  readonly key: string;
  readonly length: number;
}

interface Options {
  readonly scope: unknown;
  readonly resolver: Any;
  readonly preparing: boolean;
  readonly previousContext: Any;
}

const pathName = (path: Path | undefined): string => {
  const parts: string[] = [];
  for (let p = path; p; p = p.parent) parts.push(p.key);
  return "/" + parts.reverse().join("/");
};

const toPath = (prefix: readonly string[] | undefined): Path | undefined => {
  let path: Path | undefined;
  for (const key of prefix ?? []) path = { parent: path, key, length: (path?.length ?? 0) + 1 };
  return path;
};

// What cdktf's regexes need to match at all: any token marker holds "{TfToken[", and an encoded
// number in a string matches this (cdktf's NUMBER_TOKEN_REGEX without the global flag).
const MARKER = "{TfToken[";
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
const LIST_MARKER = "#{TfToken[";
const MAP_MARKER = "&{TfToken[";

/** cdktf's makeContext: fields copied from the caller's context, a post-processor slot, and `resolve` one level down. */
function makeContext(options: Options, path: Path | undefined): [Any, { postProcess(x: unknown): unknown }] {
  let postProcessor: Any;
  const previous = options.previousContext;
  const context: Any = {
    preparing: options.preparing,
    scope: options.scope,
    suppressBraces: previous?.suppressBraces,
    ignoreEscapes: previous?.ignoreEscapes,
    warnEscapes: previous?.warnEscapes,
    iteratorContext: previous?.iteratorContext,
    registerPostProcessor(pp: Any) {
      postProcessor = pp;
    },
    resolve(x: unknown) {
      return walk(x, { scope: options.scope, resolver: options.resolver, preparing: options.preparing, previousContext: context }, path);
    },
  };
  return [
    context,
    {
      postProcess(x: unknown) {
        return postProcessor ? postProcessor.postProcess(x, context) : x;
      },
    },
  ];
}

/** A string that may hold a token: cdktf's string branch as it is. */
function resolveTokenString(str: string, options: Options, path: Path | undefined): unknown {
  if (encoding.TokenString.forListToken(str).test()) throw errors.encodedListTokenInScalarStringContext();
  const context = makeContext(options, path)[0];
  const tokenStr = encoding.TokenString.forString(str, !context.ignoreEscapes, context.warnEscapes);
  const tokenMap = TokenMap.instance();
  if (tokenStr.test()) {
    const fragments = tokenStr.split(tokenMap.lookupToken.bind(tokenMap));
    str = options.resolver.resolveString(fragments, makeContext(options, path)[0]);
  }
  const tokenNumberStr = encoding.TokenString.forNumbers(str);
  if (tokenNumberStr.test()) {
    const fragments = tokenNumberStr.split((id: string) => tokenMap.lookupNumberToken(parseFloat(id)));
    str = fragments.mapTokens(makeContext(options, path)[0]).join(new StringConcat());
  }
  return str;
}

/** A string with no marker and no number-like run comes out of cdktf's string branch unchanged. */
const plain = (s: string) => !s.includes(MARKER) && !NUMBER_IN_STRING.test(s);

function walk(obj: unknown, options: Options, path: Path | undefined): unknown {
  if ((path?.length ?? 0) > 200) throw errors.unableToResolveCircularReference(pathName(path));
  if (typeof obj === "undefined") return undefined;
  if (obj === null) return null;
  if (typeof obj === "function") throw errors.cannotResolveFunction(pathName(path), obj);
  if (typeof obj === "string") {
    if (obj === Token.STRING_MAP_TOKEN_VALUE || obj === Token.ANY_MAP_TOKEN_VALUE) {
      // cdktf tests for a list token first; this string holds none.
      throw errors.encodedMapTokenInScalarStringContext();
    }
    return plain(obj) ? obj : resolveTokenString(obj, options, path);
  }
  if (typeof obj === "number") {
    if (obj === Token.NUMBER_MAP_TOKEN_VALUE) throw errors.encodedMapTokenInScalarNumberContext();
    const token = TokenMap.instance().lookupNumberToken(obj);
    return token === undefined ? obj : makeContext(options, path)[0].resolve(token);
  }
  if (typeof obj !== "object" || obj instanceof Date) return obj;
  if (Array.isArray(obj)) {
    if (obj.some((x) => typeof x === "string" && x.includes(LIST_MARKER)) && encoding.containsStringListTokenElement(obj)) {
      return options.resolver.resolveList(obj, makeContext(options, path)[0]);
    }
    if (encoding.containsNumberListTokenElement(obj)) return options.resolver.resolveNumberList(obj, makeContext(options, path)[0]);
    const out: unknown[] = [];
    const depth = (path?.length ?? 0) + 1;
    for (let i = 0; i < obj.length; i++) {
      const value = walk(obj[i], options, { parent: path, key: `${i}`, length: depth });
      if (typeof value !== "undefined") out.push(value);
    }
    return out;
  }
  // A fragment resolve-once kept from prepareStack: resolving it again would copy it unchanged.
  if ((obj as Record<symbol, unknown>)[RESOLVED] === true) return obj;
  const keys = Object.keys(obj);
  if (keys.some((k) => k.includes(MAP_MARKER)) && encoding.containsMapToken(obj)) return options.resolver.resolveMap(obj, makeContext(options, path)[0]);
  if (typeof (obj as { resolve?: unknown }).resolve === "function") {
    const [context, postProcessor] = makeContext(options, path);
    return options.resolver.resolveToken(obj, context, postProcessor);
  }
  if ((obj as Any)._children !== undefined && (obj as Any)._metadata !== undefined) throw errors.constructsCannotBeResolved(pathName(path));
  const result: Record<string, unknown> = {};
  const depth = (path?.length ?? 0) + 1;
  for (const key of keys) {
    const resolvedKey = plain(key) ? key : walk(key, options, path);
    if (typeof resolvedKey !== "string") throw errors.mapKeyMustResolveToString(pathName(path), key, resolvedKey);
    const value = walk((obj as Record<string, unknown>)[key], options, { parent: path, key, length: depth });
    if (typeof value === "undefined") continue;
    result[resolvedKey] = value;
  }
  return result;
}

/** cdktf's `resolve(obj, options)`, as it is called (options.prefix an array of keys). */
export function fastResolve(obj: unknown, options: Any): unknown {
  return walk(obj, { scope: options.scope, resolver: options.resolver, preparing: options.preparing, previousContext: options.previousContext }, toPath(options.prefix));
}

/** cdktf's own resolve, for comparisons. */
export const cdktfResolve = original;

// Every new token's key: cdktf compiles the same regular expression for each one (a tenth of
// building the constructs at 100 services). The same replacement with the expression compiled once.
const INVALID_KEY_CHARS = new RegExp(`[^${encoding.VALID_KEY_CHARS as string}]`, "g");
const originalRegisterStringKey = TokenMap.prototype.registerStringKey as (token: unknown, displayHint?: string) => string;
function registerStringKey(this: Any, token: unknown, displayHint?: string): string {
  const counter = this.tokenCounter++;
  const key = `${(displayHint || "TOKEN").replace(INVALID_KEY_CHARS, ".")}.${counter}`;
  this.stringTokenMap.set(key, token);
  return key;
}

// A string holding a token is split into literals, tokens and Terraform's own `${...}` escapes.
// For each literal stretch cdktf looks for the next escape with a regular expression run from
// there to the end of the string (and the next `}` with another), so a string of many tokens (a
// dashboard body, a policy document) is scanned again for every one of them. The same search,
// stopped at the stretch's end: the first `${` not opening a token marker, the first `}`.
const ESCAPE_OPEN = "${";
const TOKEN_AFTER_OPEN = "TfToken[";
const originalNextEscapeToken = encoding.TokenString.prototype.nextEscapeToken as (...args: unknown[]) => unknown;
function nextEscapeToken(this: Any, fragments: Any, startIndex: number, escapeDepth: number, maxIndex: number): { index: number; escapeDepth: number } {
  const str: string = this.str;
  let open = str.indexOf(ESCAPE_OPEN, startIndex);
  while (open !== -1 && open < maxIndex && str.startsWith(TOKEN_AFTER_OPEN, open + 2)) open = str.indexOf(ESCAPE_OPEN, open + 1);
  const close = str.indexOf("}", startIndex);
  const start = open !== -1 && open < maxIndex ? open : -1;
  const end = close !== -1 && close < maxIndex ? close : -1;
  if (start === -1 && end === -1) return { index: -1, escapeDepth };
  if (start !== -1 && end !== -1) {
    // cdktf adds the literal before the first of the two only when the opening is past startIndex.
    if (start > startIndex) fragments.addLiteral(str.substring(startIndex, Math.min(start, end)));
    if (start < end) {
      fragments.addEscape("open");
      return { index: start + ESCAPE_OPEN.length, escapeDepth: escapeDepth + 1 };
    }
    fragments.addEscape("close");
    return { index: end + 1, escapeDepth: escapeDepth - 1 };
  }
  if (start !== -1) {
    if (start > startIndex) fragments.addLiteral(str.substring(startIndex, start));
    fragments.addEscape("open");
    return { index: start + ESCAPE_OPEN.length, escapeDepth: escapeDepth + 1 };
  }
  if (end > startIndex) fragments.addLiteral(str.substring(startIndex, end));
  fragments.addEscape("close");
  return { index: end + 1, escapeDepth: escapeDepth - 1 };
}

/**
 * Makes every resolution in this process go through `fastResolve`, and new token keys through
 * `registerStringKey` and escapes through `nextEscapeToken`, unless `BF_DEBUG=1`. Returns whether it does.
 */
export function installFastResolve(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.BF_DEBUG === "1") return false;
  resolveModule.resolve = fastResolve;
  TokenMap.prototype.registerStringKey = registerStringKey;
  encoding.TokenString.prototype.nextEscapeToken = nextEscapeToken;
  return true;
}

/** Puts cdktf's own resolve and token keys back (tests). */
export function restoreResolve(): void {
  resolveModule.resolve = original;
  TokenMap.prototype.registerStringKey = originalRegisterStringKey;
  encoding.TokenString.prototype.nextEscapeToken = originalNextEscapeToken;
}
