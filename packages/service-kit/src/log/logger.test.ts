import { describe, expect, test } from "bun:test";
import { currentTraceId, withTraceId } from "../trace/context";
import { JsonLogger } from "./logger";
import { memorySink } from "./sink";

describe("JsonLogger with the kit's trace context", () => {
  test("a line written inside withTraceId carries that trace ID; outside it is null", () => {
    const sink = memorySink();
    const logger = new JsonLogger({ base: { service: "worker", version: "1", env: "test" }, sink, traceId: currentTraceId });
    withTraceId("1-00000001-0123456789abcdef01234567", () => logger.info("job done", { jobId: "j1" }));
    logger.info("idle");
    const [a, b] = sink.records();
    expect(a).toMatchObject({ msg: "job done", traceId: "1-00000001-0123456789abcdef01234567", jobId: "j1", service: "worker" });
    expect(b).toMatchObject({ msg: "idle", traceId: null });
  });
});
