/**
 * Valid Fargate task sizes: CPU units mapped to the memory values (MiB) AWS accepts with them.
 * 8192 and 16384 CPU need Linux platform version 1.4 or later.
 */
const range = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
};

export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

/** Returns why a cpu/memory pair is invalid, or undefined when Fargate accepts it. */
export function fargateSizeProblem(cpu: number, memoryMiB: number): string | undefined {
  const memories = FARGATE_SIZES.get(cpu);
  if (!memories) {
    return `cpu ${cpu} is not a Fargate CPU value; allowed: ${[...FARGATE_SIZES.keys()].join(", ")}`;
  }
  if (!memories.includes(memoryMiB)) {
    const shown = memories.length > 6 ? `${memories[0]} to ${memories.at(-1)} in steps of ${memories[1]! - memories[0]!}` : memories.join(", ");
    return `memoryMiB ${memoryMiB} is not valid with cpu ${cpu}; allowed: ${shown}`;
  }
  return undefined;
}
