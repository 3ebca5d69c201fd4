// The configuration's types are derived from the schema; this checks, with the TypeScript compiler,
// that the derivation kept every field's documentation and every optional field's @default, which
// is what a reader sees in the editor.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";

const file = join(__dirname, "types.ts");
// One program for both the derived types and a snippet that uses them as a config file would.
const dir = mkdtempSync(join(tmpdir(), "config-types-"));
const snippet = join(dir, "use.ts");
writeFileSync(
  snippet,
  [
    `import type { EnvironmentConfig, ServiceConfig } from ${JSON.stringify(file.replace(/\.ts$/, ""))};`,
    'export const a: ServiceConfig = { name: "a", kind: "web", source: "s", minTask: 1 };',
    'export const b: EnvironmentConfig = { region: "us-east-1", allowedAccountIds: ["111111111111"], vpcCidr: "10.0.0.0/16", containerInsights: "false" };',
    "export function c(e: EnvironmentConfig): void { e.allowedAccountIds = []; }",
    'export const d: EnvironmentConfig = { region: "mars-1", allowedAccountIds: [], vpcCidr: "10.0.0.0/16" };',
  ].join("\n"),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const program = ts.createProgram([file, snippet], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [] });
const checker = program.getTypeChecker();
const source = program.getSourceFile(file)!;
const exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).map((s) => [s.name, s]));

function typeOf(name: string): ts.Type {
  const symbol = exported.get(name);
  if (!symbol) throw new Error(`types.ts exports no ${name}`);
  return checker.getDeclaredTypeOfSymbol(symbol);
}

interface Field {
  readonly name: string;
  readonly optional: boolean;
  readonly doc: string;
  readonly tags: readonly string[];
}

function fields(type: ts.Type): Field[] {
  const members = type.isUnion() ? type.types : [type];
  return members.flatMap((member) =>
    checker.getPropertiesOfType(member).map((p) => ({
      name: p.name,
      optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
      doc: ts.displayPartsToString(p.getDocumentationComment(checker)),
      tags: p.getJsDocTags(checker).map((t) => `${t.name} ${ts.displayPartsToString(t.text)}`.trim()),
    })),
  );
}

const TYPES = ["PlatformConfig", "EnvironmentConfig", "ServiceConfig", "ServiceSettings", "RoutingConfig", "SecretRef", "CertificateConfig", "ActiveHours", "QuotaSettings"];

describe("types derived from the schema", () => {
  test.each(TYPES)("%s: every field is documented, every optional field gives its @default", (name) => {
    const found = fields(typeOf(name));
    expect(found.length).toBeGreaterThan(0);
    // Some fields' whole documentation is the @default (`architecture`): a tag counts as documentation.
    expect(found.filter((f) => f.doc === "" && f.tags.length === 0).map((f) => f.name)).toEqual([]);
    expect(found.filter((f) => f.optional && !f.tags.some((t) => t.startsWith("default "))).map((f) => f.name)).toEqual([]);
  });

  test("the documented defaults are the ones the types show", () => {
    const env = Object.fromEntries(fields(typeOf("EnvironmentConfig")).map((f) => [f.name, f]));
    expect(env.azCount!.tags).toContain("default 2");
    expect(env.natStrategy!.tags).toContain('default "single"');
    expect(env.logRetentionDays!.tags).toContain("default 30");
    expect(env.region!.optional).toBe(false);
    const svc = Object.fromEntries(fields(typeOf("ServiceConfig")).map((f) => [f.name, f]));
    expect(svc.cpu!.tags).toContain("default 256");
    expect(svc.containerPort!.tags).toContain("default 8080");
    expect(svc.minTasks!.doc).toBe("Lower bound for autoscaling.");
  });

  test("the editor refuses a misspelt key, a wrong type and an assignment, as it did with hand-written types", () => {
    const lines = program.getSemanticDiagnostics(program.getSourceFile(snippet)).map((d) => [ts.getLineAndCharacterOfPosition(d.file!, d.start!).line + 1, d.code]);
    // 2561: unknown property, "did you mean minTasks?"; 2322: wrong type; 2540: read-only property.
    expect(lines).toEqual([
      [2, 2561],
      [3, 2322],
      [4, 2540],
      [5, 2322],
    ]);
  });
});
