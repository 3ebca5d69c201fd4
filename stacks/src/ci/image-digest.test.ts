import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./repo-view";

// scripts/ci/image-digest.sh runs on GitHub's runners, which ship jq and tar; without jq here the
// tests are reported as skipped rather than passed.
const hasTools = spawnSync("jq", ["--version"]).status === 0 && spawnSync("tar", ["--version"]).status === 0;
const maybe = hasTools ? test : test.skip;

const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/** An OCI archive as buildx writes it: index.json plus content-addressed blobs, tarred. */
function ociArchive(top: { mediaType: string; body: string }, extraBlobs: string[] = [], tamper = false, dotSlash = false): string {
  const dir = mkdtempSync(join(tmpdir(), "oci-"));
  mkdirSync(join(dir, "layout", "blobs", "sha256"), { recursive: true });
  for (const body of [top.body, ...extraBlobs]) {
    writeFileSync(join(dir, "layout", "blobs", "sha256", sha(body).slice(7)), tamper && body === top.body ? `${body} ` : body);
  }
  writeFileSync(join(dir, "layout", "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, "layout", "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: top.mediaType, digest: sha(top.body), size: top.body.length }] }));
  const members = dotSlash ? ["."] : ["index.json", "oci-layout", "blobs"];
  spawnSync("tar", ["-cf", join(dir, "image.tar"), "-C", join(dir, "layout"), ...members], { stdio: "inherit" });
  return dir;
}

function run(dir: string): { status: number | null; out: string; err: string } {
  const r = spawnSync("bash", [join(REPO_ROOT, "scripts/ci/image-digest.sh"), join(dir, "image.tar"), "bun-api", "abc1234"], { encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe("image-digest.sh", () => {
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", layers: [] });

  maybe("defaults: a single-platform image is described by its manifest digest", () => {
    const r = run(ociArchive({ mediaType: "application/vnd.oci.image.manifest.v1+json", body: manifest }));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ service: "bun-api", revision: "abc1234", digest: sha(manifest), platformDigests: [] });
  });

  maybe("a multi-platform index lists its platform manifests, not its attestations (archive names with ./)", () => {
    const arm = `${manifest}arm`;
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { digest: sha(manifest), platform: { architecture: "amd64" } },
        { digest: sha(arm), platform: { architecture: "arm64" } },
        { digest: sha("att"), annotations: { "vnd.docker.reference.type": "attestation-manifest" } },
      ],
    });
    const r = run(ociArchive({ mediaType: "application/vnd.oci.image.index.v1+json", body: index }, [manifest, arm], false, true));
    expect(JSON.parse(r.out)).toMatchObject({ digest: sha(index), platformDigests: [sha(manifest), sha(arm)] });
  });

  maybe("fails when a blob does not hash to its name", () => {
    const r = run(ociArchive({ mediaType: "application/vnd.oci.image.manifest.v1+json", body: manifest }, [], true));
    expect(r.status).not.toBe(0);
    expect(r.err).toContain(`blob ${sha(manifest)} hashes to ${sha(`${manifest} `)}`);
  });
});
