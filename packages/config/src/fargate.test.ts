import { DEFAULT_CPU, DEFAULT_MEMORY_MIB } from "./defaults";
import { FARGATE_SIZES, fargateSizeProblem } from "./fargate";

describe("FARGATE_SIZES", () => {
  test("has exactly the CPU values Fargate offers", () => {
    expect([...FARGATE_SIZES.keys()]).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384]);
  });

  // The published Fargate table (Linux): first and last memory value and the step between them.
  test.each([
    [256, [512, 1024, 2048]],
    [512, [1024, 2048, 3072, 4096]],
  ])("cpu %i allows exactly %j", (cpu, memories) => {
    expect(FARGATE_SIZES.get(cpu)).toEqual(memories);
  });

  test.each([
    [1024, 2048, 8192, 1024],
    [2048, 4096, 16384, 1024],
    [4096, 8192, 30720, 1024],
    [8192, 16384, 61440, 4096],
    [16384, 32768, 122880, 8192],
  ])("cpu %i allows %i to %i MiB in steps of %i", (cpu, first, last, step) => {
    const memories = FARGATE_SIZES.get(cpu)!;
    expect(memories[0]).toBe(first);
    expect(memories.at(-1)).toBe(last);
    expect(memories).toHaveLength((last - first) / step + 1);
    memories.slice(1).forEach((m, i) => expect(m - memories[i]!).toBe(step));
  });
});

describe("fargateSizeProblem", () => {
  test("accepts every pair in the table, including the edges", () => {
    let pairs = 0;
    for (const [cpu, memories] of FARGATE_SIZES) {
      for (const memory of memories) {
        expect(fargateSizeProblem(cpu, memory)).toBeUndefined();
        pairs++;
      }
    }
    expect(pairs).toBe(3 + 4 + 7 + 13 + 23 + 12 + 12);
  });

  test("accepts the platform default size", () => {
    expect(fargateSizeProblem(DEFAULT_CPU, DEFAULT_MEMORY_MIB)).toBeUndefined();
  });

  test.each([128, 300, 768, 3072, 32768, 0, -256])("rejects cpu %i and lists the allowed CPU values", (cpu) => {
    expect(fargateSizeProblem(cpu, 2048)).toBe(
      `cpu ${cpu} is not a Fargate CPU value; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384`,
    );
  });

  test.each([
    [256, 256, "512, 1024, 2048"],
    [256, 4096, "512, 1024, 2048"],
    [512, 512, "1024, 2048, 3072, 4096"],
    [512, 5120, "1024, 2048, 3072, 4096"],
    [1024, 512, "2048 to 8192 in steps of 1024"],
    [1024, 1536, "2048 to 8192 in steps of 1024"],
    [2048, 2048, "4096 to 16384 in steps of 1024"],
    [4096, 31744, "8192 to 30720 in steps of 1024"],
    [8192, 18432, "16384 to 61440 in steps of 4096"],
    [16384, 36864, "32768 to 122880 in steps of 8192"],
  ])("rejects cpu %i with %i MiB and says what is allowed", (cpu, memory, allowed) => {
    expect(fargateSizeProblem(cpu, memory)).toBe(`memoryMiB ${memory} is not valid with cpu ${cpu}; allowed: ${allowed}`);
  });
});
