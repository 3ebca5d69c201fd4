import { build, platform, synth, workloadProps } from "../testing/fixtures";
import { LOG_METRICS_NAMESPACE, LogErrorAlarm } from "./log-error-alarm";
import { WorkerService } from "./worker-service";

describe("LogErrorAlarm", () => {
  test("defaults: counts error and fatal JSON lines and alarms at 5 a minute for 2 minutes", () => {
    const { tf, worker } = synth((stack) => ({ worker: new WorkerService(stack, "Worker", workloadProps(platform(stack), "mailer")) }));
    const filter = tf.of(worker.errors.metricFilter);
    expect(filter).toMatchObject({
      name: "t-mailer-errors",
      log_group_name: tf.ref(worker.fargate.task.logGroup, "name"),
      pattern: '{ ($.level = "error") || ($.level = "fatal") }',
      metric_transformation: { name: "t-mailer-errors", namespace: LOG_METRICS_NAMESPACE, value: "1", default_value: "0" },
    });
    expect(tf.of(worker.errors.alarm)).toMatchObject({
      alarm_name: "t-mailer-log-errors",
      metric_name: "t-mailer-errors",
      statistic: "Sum",
      period: 60,
      evaluation_periods: 2,
      threshold: 5,
      treat_missing_data: "notBreaching",
    });
  });

  test("a worker's deployment rolls back when its error alarm fires", () => {
    const { tf, worker } = synth((stack) => ({ worker: new WorkerService(stack, "Worker", workloadProps(platform(stack), "mailer")) }));
    expect(tf.of(worker.fargate.service).alarms).toEqual({ alarm_names: [LogErrorAlarm.alarmNameFor("t-mailer")], enable: true, rollback: true });
    expect(LogErrorAlarm.alarmNameFor("t-mailer")).toBe(tf.of(worker.errors.alarm).alarm_name);
  });

  test("errorsPerMinute sets the threshold", () => {
    const { tf, alarm } = synth((stack) => {
      const p = platform(stack);
      const w = new WorkerService(stack, "Worker", workloadProps(p, "mailer"));
      return { alarm: new LogErrorAlarm(stack, "Strict", { name: "t-strict", logGroup: w.fargate.task.logGroup, errorsPerMinute: 1 }) };
    });
    expect(tf.of(alarm.alarm).threshold).toBe(1);
  });

  test("fails when errorsPerMinute is not a positive whole number", () => {
    expect(() =>
      build((stack) => {
        const w = new WorkerService(stack, "Worker", workloadProps(platform(stack), "mailer"));
        return new LogErrorAlarm(stack, "Bad", { name: "t-bad", logGroup: w.fargate.task.logGroup, errorsPerMinute: 0 });
      }),
    ).toThrow('LogErrorAlarm "t-bad": errorsPerMinute 0 must be a whole number of at least 1');
  });
});
