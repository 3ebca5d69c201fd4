import { readFileSync } from "node:fs";
import { join } from "node:path";
import { grantStatements } from "../grants";
import { hstsHeader } from "../domain";
import { loadConfig } from "../load";
import { README_EXAMPLES } from "./readme-examples";

const SOURCE = readFileSync(join(__dirname, "readme-examples.ts"), "utf8");
const README = readFileSync(join(__dirname, "..", "..", "..", "..", "README.md"), "utf8");

/** The text of one `#region` of readme-examples.ts. */
function region(name: string): string {
  const m = new RegExp(`// #region ${name}\\n([\\s\\S]*?)// #endregion ${name}\\n`).exec(SOURCE);
  if (!m) throw new Error(`no region ${name} in readme-examples.ts`);
  return m[1]!;
}

describe("the README's configuration examples", () => {
  const loaded = loadConfig({ project: README_EXAMPLES.project, services: README_EXAMPLES.services, environments: README_EXAMPLES.environments });

  test.each(["permissions-service", "permissions-environment", "domain"])("the README shows region %s verbatim", (name) => {
    expect(README).toContain(`\`\`\`ts\n${region(name)}\`\`\``);
  });

  test("they load: every grant of the bucket example expands to exact ARNs in dev", () => {
    const dev = loaded.environments.find((e) => e.name === "dev")!;
    const orders = dev.services.find((s) => s.name === "orders")!;
    expect(orders.permissions.map((g) => g.grant)).toEqual(["s3", "dynamodb", "sqs", "sns", "ssm", "secretsmanager", "kms"]);
    const resources = orders.permissions.flatMap((g, i) => grantStatements(g, i).flatMap((s) => s.resources));
    expect(resources).toContain("arn:aws:s3:::shop-uploads/invoices/*");
    expect(resources.filter((r) => r === "*")).toEqual([]);
  });

  test("they load: the domain example has its zone, a certificate to create, HSTS and dual stack", () => {
    const prod = loaded.environments.find((e) => e.name === "prod")!;
    expect(prod.certificate).toMatchObject({ domainName: "api.example.com", hostedZone: { name: "example.com" }, certificateArn: undefined });
    expect(hstsHeader(prod.certificate!.hsts)).toBe("max-age=31536000; includeSubDomains");
    expect(prod.dualStack).toBe(true);
  });
});
