/** "Did you mean" for misspelt keys and values: the closest allowed word, if one is close. */

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The allowed word closest to `input`, compared without case and separators, when it is within a
 * third of the word's length (at least one edit): `minTask` finds `minTasks`, `perAz` finds `per-az`.
 */
export function closest(input: unknown, options: readonly string[]): string | undefined {
  if (typeof input !== "string" || input === "" || input.length > 64) return undefined;
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  const wanted = norm(input);
  let best: { option: string; distance: number } | undefined;
  for (const option of options) {
    if (option === input) return undefined;
    const distance = editDistance(wanted, norm(option));
    if (distance <= Math.max(1, Math.floor(option.length / 3)) && (!best || distance < best.distance)) best = { option, distance };
  }
  return best?.option;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(input: unknown, options: readonly string[]): string {
  const match = closest(input, options);
  return match === undefined ? "" : ` (did you mean ${JSON.stringify(match)}?)`;
}
