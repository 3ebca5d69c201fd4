import type { ActiveHours } from "@bun-fargate/config";
import { build, platform, synth, workloadProps, type Json } from "../testing/fixtures";
import { FargateService } from "./fargate-service";

const withHours = (activeHours?: ActiveHours) =>
  synth((stack) => {
    const p = platform(stack);
    return { svc: new FargateService(stack, "Service", { ...workloadProps(p), minTasks: 1, maxTasks: 4, activeHours }) };
  });

const actions = (tf: { resources(type: string): Json[] }) =>
  Object.fromEntries(tf.resources("aws_appautoscaling_scheduled_action").map((a) => [String(a.name).replace(/^.*-/, ""), a]));

describe("ServiceAutoscaling activeHours", () => {
  test("defaults: no schedule, and Terraform owns the bounds", () => {
    const { tf, svc } = withHours(undefined);
    expect(tf.resources("aws_appautoscaling_scheduled_action")).toEqual([]);
    expect(tf.of(svc.autoscaling.target)).toMatchObject({ min_capacity: 1, max_capacity: 4 });
    expect(tf.of(svc.autoscaling.target).lifecycle).toBeUndefined();
  });

  test("weekdays: wakes to the configured bounds and sleeps at zero", () => {
    const { tf, svc } = withHours({ startHour: 7, endHour: 19 });
    const a = actions(tf);
    expect(a.wake).toMatchObject({ schedule: "cron(0 7 ? * MON-FRI *)", timezone: "UTC", scalable_target_action: { min_capacity: "1", max_capacity: "4" } });
    expect(a.sleep).toMatchObject({ schedule: "cron(0 19 ? * MON-FRI *)", scalable_target_action: { min_capacity: "0", max_capacity: "0" } });
    expect(a.wake!.resource_id).toBe(tf.ref(svc.autoscaling.target, "resource_id"));
    // The actions own the bounds, so a plan at night does not wake the service.
    expect(tf.of(svc.autoscaling.target).lifecycle).toEqual({ ignore_changes: ["min_capacity", "max_capacity"] });
  });

  test("every day until midnight, in a given time zone", () => {
    const { tf } = withHours({ days: "MON-SUN", startHour: 6, endHour: 24, timezone: "Europe/Berlin" });
    const a = actions(tf);
    expect(a.wake).toMatchObject({ schedule: "cron(0 6 ? * * *)", timezone: "Europe/Berlin" });
    expect(a.sleep).toMatchObject({ schedule: "cron(0 0 ? * * *)", timezone: "Europe/Berlin" });
  });

  test("weekdays until midnight sleep at 00:00 of the next day", () => {
    const { tf } = withHours({ startHour: 8, endHour: 24 });
    expect(actions(tf).sleep).toMatchObject({ schedule: "cron(0 0 ? * TUE-SAT *)" });
  });

  test("fails when the hours are empty or out of range, quoting them", () => {
    const make = (startHour: number, endHour: number) => () =>
      build((stack) => new FargateService(stack, "Service", { ...workloadProps(platform(stack)), activeHours: { startHour, endHour } }));
    expect(make(19, 7)).toThrow("ServiceAutoscaling: activeHours 19-7 must be whole hours with 0 <= startHour < endHour <= 24");
    expect(make(7, 25)).toThrow("activeHours 7-25");
    expect(make(7.5, 19)).toThrow("activeHours 7.5-19");
    expect(make(0, 24)).toThrow("ServiceAutoscaling: activeHours 0-24 means always on; leave activeHours out instead");
  });
});
