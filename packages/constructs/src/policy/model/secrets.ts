// One detector for the config check and for BF-CTR-005, so that both refuse the same values.
export { looksSecret } from "@bun-fargate/config";
