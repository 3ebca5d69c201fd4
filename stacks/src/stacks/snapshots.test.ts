// One snapshot per stack, so that a renamed construct ID (which replaces the resource) shows up in review.
import { Testing } from "cdktf";
import { buildApp } from "../app";
import { AWS_PROFILE } from "../testing";

const { environments } = buildApp({ profile: AWS_PROFILE });
const stacks = environments.flatMap((e) => [e.network, e.cluster, ...e.services, e.operations]);

describe("stack snapshots", () => {
  test.each(stacks.map((s) => [s.node.id, s] as const))("%s", (_id, stack) => {
    expect(Testing.synth(stack)).toMatchSnapshot();
  });
});
