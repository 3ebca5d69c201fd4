import fc from "fast-check";
import { loadConfig } from "./load";
import { ALARM_DEFAULTS } from "./operations";
import { webhookProblem } from "./schema/operations";
import { configWith, problemsOf } from "./testing";
import type { EnvironmentConfig } from "./types";

const sandbox = (env: Partial<EnvironmentConfig>) => loadConfig(configWith({ env })).environments[0]!;

describe("notifications", () => {
  it("defaults: on, nobody subscribed", () => {
    expect(sandbox({}).notifications).toEqual({ enabled: true, emails: [], webhooks: [], slack: undefined, reason: undefined });
  });

  it("keeps emails, webhooks and a Slack channel as written", () => {
    const n = sandbox({
      notifications: { emails: ["oncall@example.com"], webhooks: ["https://hooks.example.com/a?token=x"], slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCDE" } },
    }).notifications;
    expect(n).toMatchObject({ enabled: true, emails: ["oncall@example.com"], webhooks: ["https://hooks.example.com/a?token=x"], slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCDE" } });
  });

  it("fails on an address that is not one, naming environment, field and value", () => {
    const lines = problemsOf(configWith({ env: { notifications: { emails: ["oncall@example.com", "oncall at example.com"] } } }));
    expect(lines).toEqual(['sandbox: notifications.emails[1] = "oncall at example.com": must be an email address such as "oncall@example.com"']);
  });

  it.each([
    ["http://hooks.example.com/a", '"http://hooks.example.com/a"', "must be an https URL (SNS would send alarms over http in clear text)"],
    ["hooks.example.com/a", '"hooks.example.com/a"', 'must be an https URL such as "https://hooks.example.com/alarms"'],
    // A credential in the URL is not repeated in the message.
    ["https://user:pw@hooks.example.com/a", '"<redacted>"', "must not carry a user name or password"],
    ["https://localhost/a", '"https://localhost/a"', "must name a public host"],
  ])("fails on webhook %s", (url, shown, problem) => {
    const lines = problemsOf(configWith({ env: { notifications: { webhooks: [url] } } }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`sandbox: notifications.webhooks[0] = ${shown}: ${problem}`);
  });

  it("fails on a twice-listed address, a bad Slack ID and an unknown key together", () => {
    const lines = problemsOf(
      configWith({ env: { notifications: { emails: ["a@example.com", "a@example.com"], slack: { workspaceId: "t01", channelId: "C0123ABCDE" }, email: ["x"] } as never } }),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringContaining('notifications.emails = ["a@example.com","a@example.com"]: lists an address twice'),
        expect.stringContaining('notifications.slack.workspaceId = "t01": must be a Slack workspace ID'),
        expect.stringContaining('notifications.email = ["x"]: unknown setting (did you mean "emails"?)'),
      ]),
    );
    expect(lines).toHaveLength(3);
  });

  it("fails when turned off with subscribers listed, or with a reason while on", () => {
    expect(problemsOf(configWith({ env: { notifications: { enabled: false, emails: ["a@example.com"] } } }))).toEqual([
      "sandbox: notifications.enabled = false: turns the alarm topic off, yet emails is listed and would never receive an alarm; remove them or leave enabled out (on)",
    ]);
    expect(problemsOf(configWith({ env: { notifications: { reason: "nobody watches this one" } } }))).toEqual([
      'sandbox: notifications.reason = "nobody watches this one": explains turning notifications off, but they are on (enabled is true or left out); remove the reason',
    ]);
  });

  it("webhookProblem accepts every https URL with a dotted host and refuses every other scheme (property)", () => {
    const host = fc.stringMatching(/^[a-z][a-z0-9]{0,10}\.[a-z]{2,6}$/);
    const path = fc.stringMatching(/^[A-Za-z0-9/_-]{0,30}$/);
    fc.assert(fc.property(host, path, (h, p) => webhookProblem(`https://${h}/${p}`) === undefined));
    fc.assert(fc.property(fc.constantFrom("http", "ftp", "ws", "file"), host, (scheme, h) => webhookProblem(`${scheme}://${h}/x`) !== undefined));
  });
});

describe("alarm thresholds", () => {
  it("defaults", () => {
    expect(sandbox({}).services[0]!.alarms).toEqual(ALARM_DEFAULTS);
    expect(ALARM_DEFAULTS).toMatchObject({ errorRatePercent: 5, p99LatencyMs: 2000, saturationPercent: 90, logErrorsPerMinute: 5 });
  });

  it("merges the environment's over the service's key by key", () => {
    const env = loadConfig(
      configWith({ service: { alarms: { p99LatencyMs: 800, errorRatePercent: 2 } }, env: { services: { orders: { alarms: { errorRatePercent: 1.5 } } } } }),
    ).environments[0]!;
    expect(env.services[0]!.alarms).toEqual({ ...ALARM_DEFAULTS, p99LatencyMs: 800, errorRatePercent: 1.5 });
  });

  it("fails on out-of-range thresholds, naming environment, service, field and value", () => {
    const lines = problemsOf(configWith({ env: { services: { orders: { alarms: { errorRatePercent: 0, p99LatencyMs: "2000", saturationMinutes: 90 } as never } } } }));
    expect(lines).toEqual(
      expect.arrayContaining([
        'sandbox / service "orders": alarms.errorRatePercent = 0: must be a percentage from 0.1 to 100 in steps of 0.1',
        'sandbox / service "orders": alarms.p99LatencyMs = "2000": must be a whole number of milliseconds from 10 to 60000 (a string; write 2000 without quotes)',
        'sandbox / service "orders": alarms.saturationMinutes = 90: must be a whole number of minutes from 1 to 60 (saturated at maxTasks)',
      ]),
    );
    expect(lines).toHaveLength(3);
  });
});

describe("stack names", () => {
  it.each(["network", "cluster", "operations"])("fails on a service named %s, whose stack would clash", (name) => {
    expect(problemsOf(configWith({ service: { name } }))).toEqual([
      `config: services[0].name = "${name}": names one of every environment's own stacks (<env>-${name}); not allowed: network, cluster, operations`,
    ]);
  });
});
