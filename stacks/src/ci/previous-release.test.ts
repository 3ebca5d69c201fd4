import type { AwsCli, EcrImage } from "./aws-cli";
import type { ServiceTarget } from "./pipeline-config";
import { previousRelease, rollbackRelease, versionOf } from "./previous-release";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const image = (c: string, pushed: string, tags: string[]): EcrImage => ({ imageDigest: d(c), imagePushedAt: pushed, imageTags: tags });

// Pushed in order a, b, c, d; c never passed verification (no release- tag).
const IMAGES: EcrImage[] = [
  image("a", "2026-11-01T10:00:00+00:00", ["sha-aaaaaaa", "release-aaaaaaa"]),
  image("b", "2026-11-02T10:00:00+00:00", ["sha-bbbbbbb", "release-bbbbbbb"]),
  image("c", "2026-11-03T10:00:00+00:00", ["sha-ccccccc"]),
  image("d", "2026-11-04T10:00:00+00:00", ["sha-ddddddd", "release-ddddddd"]),
];

describe("previousRelease", () => {
  test("the newest verified release pushed before the running image, skipping unverified ones", () => {
    expect(previousRelease(IMAGES, d("d"))).toEqual({ digest: d("b"), version: "bbbbbbb" });
  });

  test("a second rollback steps further back", () => {
    expect(previousRelease(IMAGES, d("b"))).toEqual({ digest: d("a"), version: "aaaaaaa" });
  });

  test("nothing before the oldest release", () => {
    expect(previousRelease(IMAGES, d("a"))).toBeUndefined();
  });

  test("a running image missing from the repository: the newest other release", () => {
    expect(previousRelease(IMAGES, d("e"))).toEqual({ digest: d("d"), version: "ddddddd" });
  });

  test("epoch seconds (AWS CLI v1) order the same way", () => {
    const v1 = IMAGES.map((i, n) => ({ ...i, imagePushedAt: 1_790_000_000 + n * 86_400 }));
    expect(previousRelease(v1, d("d"))).toEqual({ digest: d("b"), version: "bbbbbbb" });
  });
});

test("versionOf reads the git SHA from a sha- or release- tag", () => {
  expect(versionOf(image("a", "2026-11-01T00:00:00Z", ["latest", "release-0123abc"]))).toBe("0123abc");
  expect(versionOf(image("a", "2026-11-01T00:00:00Z", ["latest"]))).toBeUndefined();
});

describe("rollbackRelease", () => {
  const target: ServiceTarget = { name: "bun-api", kind: "web", stack: "dev-bun-api", repository: "bunfg/dev/bun-api", ecsService: "bun-api", family: "dev-bun-api" };
  const aws: AwsCli = {
    async json<T>(args: readonly string[]): Promise<T> {
      if (args[1] === "describe-images") return { imageDetails: IMAGES } as T;
      if (args[1] === "describe-services") return { services: [{ deployments: [{ status: "PRIMARY", taskDefinition: "td:9" }] }] } as T;
      if (args[1] === "describe-task-definition") return { taskDefinition: { taskDefinitionArn: "td:9", containerDefinitions: [{ name: "dev-bun-api", image: `repo@${d("d")}` }] } } as T;
      throw new Error(`unexpected ${args.join(" ")}`);
    },
  };

  test("defaults: the release before what the service runs now", async () => {
    await expect(rollbackRelease(aws, "bunfg-dev", target)).resolves.toEqual({ digest: d("b"), version: "bbbbbbb" });
  });

  test("digest: a named verified release", async () => {
    await expect(rollbackRelease(aws, "bunfg-dev", target, d("a"))).resolves.toEqual({ digest: d("a"), version: "aaaaaaa" });
  });

  test("fails when the named digest never passed verification or is not in the repository", async () => {
    await expect(rollbackRelease(aws, "bunfg-dev", target, d("c"))).rejects.toThrow(`bun-api: ${d("c")} was never verified in this environment`);
    await expect(rollbackRelease(aws, "bunfg-dev", target, d("f"))).rejects.toThrow(`digest ${d("f")} is not in repository bunfg/dev/bun-api`);
  });
});
