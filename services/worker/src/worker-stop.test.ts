// SIGTERM while a receive is on the wire: the queue may already have answered it, and those
// messages are in flight. A fake client plays the queue (nothing else here can pause a real
// answer between the queue and the worker); it rejects an aborted request as the SDK does, after
// the queue has handed the messages out.
import { describe, expect, test } from "bun:test";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { JsonLogger } from "@bun-fargate/service-kit/log/logger";
import { memorySink } from "@bun-fargate/service-kit/log/sink";
import { JOB_HANDLERS } from "./jobs";
import { RECEIVE_GRACE_MS, Worker } from "./worker";

interface Sent {
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/** A queue that answers the first receive after `answerMs` with two messages, later ones never. */
function fakeQueue(answerMs: number) {
  const calls: Sent[] = [];
  let receives = 0;
  const client = {
    send(command: { constructor: { name: string }; input: Record<string, unknown> }, opts?: { abortSignal?: AbortSignal }) {
      const name = command.constructor.name;
      calls.push({ name, input: command.input });
      if (name !== "ReceiveMessageCommand") return Promise.resolve({ Successful: [], Failed: [] });
      const first = receives++ === 0;
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(Object.assign(new Error("Request aborted"), { name: "AbortError" }));
        opts?.abortSignal?.addEventListener("abort", onAbort, { once: true });
        if (first) {
          setTimeout(() => {
            opts?.abortSignal?.removeEventListener("abort", onAbort);
            resolve({ Messages: ["a", "b"].map((id) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: JSON.stringify({ id: `job-${id}`, type: "echo", payload: {} }), Attributes: { ApproximateReceiveCount: "1" } })) });
          }, answerMs);
        }
      });
    },
  } as unknown as SQSClient;
  return { client, calls };
}

describe("stop while a receive is on the wire", () => {
  test.each([
    ["answered before the grace ends", 100, 2],
    ["still waiting in its long poll", RECEIVE_GRACE_MS + 1500, 0],
  ])("%s: what the queue handed out is released at once, and the stop stays within the drain window", async (_what, answerMs, releasedCount) => {
    const { client, calls } = fakeQueue(answerMs);
    const sink = memorySink();
    const logger = new JsonLogger({ base: { service: "worker", version: "test", env: "test" }, level: "info", sink, traceId: () => undefined });
    const worker = new Worker({ client, logger, queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q", handlers: JOB_HANDLERS, concurrency: 4, visibilityTimeoutSeconds: 30, maxJobSeconds: 60, drainTimeoutMs: 3000 });
    worker.start();
    await Bun.sleep(20);
    const started = performance.now();
    expect(await worker.stop()).toBe(0);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3000);
    const releases = calls.filter((c) => c.name === "ChangeMessageVisibilityBatchCommand").flatMap((c) => c.input.Entries as { ReceiptHandle: string; VisibilityTimeout: number }[]);
    expect(releases.map((e) => e.ReceiptHandle).sort()).toEqual(releasedCount ? ["rh-a", "rh-b"] : []);
    for (const e of releases) expect(e.VisibilityTimeout).toBe(0);
    expect(worker.counts).toMatchObject({ received: releasedCount, done: 0, released: releasedCount });
  });
});
