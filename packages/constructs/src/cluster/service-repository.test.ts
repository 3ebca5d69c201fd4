import { build, synth } from "../testing/fixtures";
import { ServiceRepository, type ServiceRepositoryProps } from "./service-repository";

interface Rule {
  rulePriority: number;
  description: string;
  selection: { tagStatus: string; tagPrefixList?: string[]; countType: string; countUnit?: string; countNumber: number };
  action: { type: string };
}

const repository = (props: Partial<ServiceRepositoryProps> = {}) => {
  const { tf, repo } = synth((stack) => ({ repo: new ServiceRepository(stack, "Repository", { name: "t/api", ...props }) }));
  const policies = tf.resources("aws_ecr_lifecycle_policy");
  if (policies.length !== 1) throw new Error(`expected one lifecycle policy, got ${policies.length}`);
  return { tf, repo, policy: policies[0]!, rules: (JSON.parse(policies[0]!.policy as string) as { rules: Rule[] }).rules };
};

describe("ServiceRepository", () => {
  describe("defaults", () => {
    const { tf, repo, policy, rules } = repository();

    test("immutable tags, scan on push, encrypted", () => {
      expect(tf.of(repo.repository)).toMatchObject({
        name: "t/api",
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: "AES256" }],
      });
    });

    test("the lifecycle policy belongs to this repository and has three rules in priority order", () => {
      expect(policy.repository).toBe(tf.ref(repo.repository, "name"));
      expect(rules.map((r) => r.rulePriority)).toEqual([1, 2, 3]);
      for (const r of rules) expect(r.action).toEqual({ type: "expire" });
    });

    test("release- images are claimed first, by a rule whose count is never reached", () => {
      expect(rules[0]!.selection).toEqual({ tagStatus: "tagged", tagPrefixList: ["release-"], countType: "imageCountMoreThan", countNumber: 10000 });
      // A rule that selects release- images at a later priority could expire them.
      const laterRelease = rules.slice(1).filter((r) => r.selection.tagStatus === "any" || r.selection.tagPrefixList?.some((p) => "release-x".startsWith(p)));
      expect(laterRelease).toEqual([]);
    });

    test("untagged images expire after 14 days", () => {
      expect(rules[1]!.selection).toEqual({ tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 });
    });

    test("the newest 100 sha- images are kept", () => {
      expect(rules[2]!.selection).toEqual({ tagStatus: "tagged", tagPrefixList: ["sha-"], countType: "imageCountMoreThan", countNumber: 100 });
    });
  });

  test("keepShaImages sets how many sha- images are kept", () => {
    const { rules } = repository({ keepShaImages: 25 });
    expect(rules[2]!.selection.countNumber).toBe(25);
    expect(rules[2]!.description).toContain("25");
    expect(rules[0]!.selection.countNumber).toBe(10000);
  });

  test("untaggedExpiryDays sets when untagged images expire", () => {
    const { rules } = repository({ untaggedExpiryDays: 3 });
    expect(rules[1]!.selection).toMatchObject({ tagStatus: "untagged", countNumber: 3 });
    expect(rules[2]!.selection.countNumber).toBe(100);
  });

  describe("fails when", () => {
    test.each([9, 0, -5, 10.5])("keepShaImages is %p", (keepShaImages) => {
      expect(() => build((stack) => new ServiceRepository(stack, "Repository", { name: "t/api", keepShaImages }))).toThrow(
        `ServiceRepository "t/api": keepShaImages ${keepShaImages} must be a whole number of at least 10 (rollbacks need history)`,
      );
    });

    test("keepShaImages 10 is the smallest allowed", () => {
      expect(() => build((stack) => new ServiceRepository(stack, "Repository", { name: "t/api", keepShaImages: 10 }))).not.toThrow();
    });
  });
});
