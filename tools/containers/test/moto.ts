/**
 * moto's server from the deploy proof's tool cache (as tools/logs' tests start it), on a free port of
 * 127.0.0.1, for an image that needs an AWS API to run against. Absent from the cache: `available`
 * is false and the tests that need it report themselves skipped.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { spawn, type Subprocess } from "bun";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";

const CACHE = process.env.BF_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bun-fargate", "e2e");
const MOTO = join(CACHE, "venv", "bin", "moto_server");

export interface Moto {
  readonly url: string;
  createBucket(bucket: string): Promise<void>;
  putObject(bucket: string, key: string, body: string): Promise<void>;
  /** The object's text. */
  getObject(bucket: string, key: string): Promise<string>;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startMoto(): Promise<Moto | undefined> {
  if (!startMoto.available) return undefined;
  const port = await freePort();
  const proc: Subprocess = spawn([MOTO, "-H", "127.0.0.1", "-p", String(port)], { stdout: "ignore", stderr: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/moto-api/`).then((r) => r.ok, () => false)) break;
    if (i > 300) {
      proc.kill();
      throw new Error("moto did not start in 30 s");
    }
    await Bun.sleep(100);
  }
  const s3 = new S3Client({ region: "us-east-1", endpoint: url, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  return {
    url,
    createBucket: async (Bucket) => void (await s3.send(new CreateBucketCommand({ Bucket }))),
    putObject: async (Bucket, Key, Body) => void (await s3.send(new PutObjectCommand({ Bucket, Key, Body }))),
    getObject: async (Bucket, Key) => (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString(),
    stop: () => {
      s3.destroy();
      proc.kill();
    },
  };
}
startMoto.available = existsSync(MOTO);
if (!startMoto.available) console.log(`[image] moto not in ${MOTO}: the runs of scheduled images against it are skipped`);
