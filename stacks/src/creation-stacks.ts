/**
 * cdktf records the full stack trace of every token it creates (`creationStack`, with
 * `Error.stackTraceLimit` lifted to infinity), and nothing reads those traces unless a token fails
 * to resolve. At 100 services that is over half of synth's memory (measured by `pnpm bench:synth`).
 * `skipCreationStacks` makes `Error.captureStackTrace` a no-op for exactly those captures: a plain
 * object captured below cdktf's own helper. Errors keep their stacks, and so do
 * annotations (constructs captures below `addMetadata`), which the manifest records; the written
 * files are byte for byte the same (`creation-stacks.test.ts`, `pnpm bench:synth`).
 */

type Capture = (target: object, below?: (...args: never[]) => unknown) => void;

/**
 * The helper tokens capture below: cdktf's `captureStackTrace`, CDK Terrain's `captureCreationStack`
 * (the bundler may suffix a number to keep a name apart from constructs' copy).
 */
const TOKEN_HELPER = /^capture(?:StackTrace|CreationStack)\d*$/;

const original: Capture = Error.captureStackTrace.bind(Error);

function skipping(target: object, below?: (...args: never[]) => unknown): void {
  if (!(target instanceof Error) && typeof below === "function" && TOKEN_HELPER.test(below.name)) return;
  original(target, below);
}

/**
 * Skips token creation stacks for the rest of the process, unless `BF_DEBUG=1` (then an error about
 * an unresolvable token can say where the token was made). Returns whether it is skipping.
 */
export function skipCreationStacks(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.BF_DEBUG === "1") return false;
  Error.captureStackTrace = skipping;
  return true;
}

/** Puts the runtime's own `Error.captureStackTrace` back (tests). */
export function restoreCreationStacks(): void {
  Error.captureStackTrace = original;
}
