/**
 * The schema of what reaches a person when something breaks: an environment's `notifications`
 * (the alarm topic's subscriptions) and a service's `alarms` (thresholds). Defaults in
 * `../operations.ts`, where the resolved values are built.
 */
import * as v from "valibot";
import { int, list, strictObject, stepped, bool, text } from "./fields";
import { MIN_REASON_LENGTH } from "./reason";

/** Deliberately plain: one @, no spaces, a dotted domain. SNS sends the confirmation mail to it. */
export const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** An https URL SNS can POST to; why not, when it is not one. */
export function webhookProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an https URL such as \"https://hooks.example.com/alarms\"";
  }
  if (parsed.protocol !== "https:") return `must be an https URL (SNS would send alarms over ${parsed.protocol.replace(":", "")} in clear text)`;
  if (parsed.username || parsed.password) return "must not carry a user name or password (SNS stores the endpoint in clear text; use a token the receiving end checks)";
  if (!parsed.hostname.includes(".")) return "must name a public host such as hooks.example.com";
  return undefined;
}

const unique = <T>(items: readonly T[]) => new Set(items).size === items.length;

export const NotificationsSchema = strictObject(
  {
    /**
     * Whether the environment has an alarm topic and the alarms that notify it. Only an environment
     * of the dev tier may turn it off without a `reason` (policy check BF-OPS-001). @default true
     */
    enabled: v.optional(bool()),
    /** Addresses subscribed by email; each must confirm the mail SNS sends before it receives anything. @default [] */
    emails: v.optional(
      v.pipe(
        list(text(EMAIL, 'must be an email address such as "oncall@example.com"', 254), "a list of email addresses", 50),
        v.check(unique, "lists an address twice"),
      ),
    ),
    /** https endpoints SNS POSTs each alarm to (subscription confirmation first, as SNS documents). @default [] */
    webhooks: v.optional(
      v.pipe(
        list(
          v.pipe(
            v.string('must be an https URL such as "https://hooks.example.com/alarms"'),
            v.maxLength(2048, "must be at most 2048 characters"),
            v.check((u) => webhookProblem(u) === undefined, (issue) => webhookProblem(String(issue.input)) ?? "is not an https URL"),
          ),
          "a list of https URLs",
          20,
        ),
        v.check(unique, "lists a URL twice"),
      ),
    ),
    /**
     * Alarms to a Slack channel through AWS Chatbot. The workspace must have been authorized in the
     * Chatbot console once (that gives its ID). @default - none
     */
    slack: v.optional(
      strictObject(
        {
          /** Slack workspace (team) ID as Chatbot shows it, e.g. `T0123ABCD`. */
          workspaceId: text(/^[0-9A-Z]{1,255}$/, 'must be a Slack workspace ID such as "T0123ABCD" (upper-case letters and digits)', 255),
          /** Slack channel ID, e.g. `C0123ABCD` (channel details, bottom). */
          channelId: text(/^[A-Za-z0-9]{9,11}$/, 'must be a Slack channel ID such as "C0123ABCDE" (9-11 letters and digits)', 11),
        },
        "an object { workspaceId, channelId }",
      ),
    ),
    /**
     * Why this environment runs without notifications although its tier is staging or prod: the
     * policy check BF-OPS-001 is suppressed with it. @default - none; the check then applies
     */
    reason: v.optional(
      v.pipe(
        v.string("must be a sentence saying why nobody is told when this environment's alarms fire"),
        v.check((s) => s.trim().length >= MIN_REASON_LENGTH, `must say why nobody is told when this environment's alarms fire, in at least ${MIN_REASON_LENGTH} characters`),
        v.maxLength(500, "must be at most 500 characters"),
      ),
    ),
  },
  "an object { enabled?, emails?, webhooks?, slack?, reason? }",
);

const minutes = (what: string) => v.optional(int(1, 60, `must be a whole number of minutes from 1 to 60 (${what})`));

export const AlarmsSchema = strictObject(
  {
    /** Share of requests answered 5xx by the tasks, in percent, that pages. @default 5 */
    errorRatePercent: v.optional(stepped(0.1, 100, 0.1, "must be a percentage from 0.1 to 100 in steps of 0.1")),
    /** Fewer requests than this in a minute never count as an error rate (one failure of two is not an outage). @default 10 */
    errorRateMinRequests: v.optional(int(1, 100000, "must be a whole number of requests per minute from 1 to 100000")),
    /** p99 target response time, in milliseconds, that pages. @default 2000 */
    p99LatencyMs: v.optional(int(10, 60000, "must be a whole number of milliseconds from 10 to 60000")),
    /** Minutes at least one target must fail the ALB health check. @default 5 */
    unhealthyMinutes: minutes("unhealthy targets"),
    /** Minutes fewer tasks than minTasks must run. @default 5 */
    belowMinimumMinutes: minutes("tasks below the minimum"),
    /** CPU or memory utilization, in percent, that pages while the service runs at maxTasks. @default 90 */
    saturationPercent: v.optional(int(50, 100, "must be a whole percentage from 50 to 100")),
    /** Minutes the service must be saturated at maxTasks. @default 10 */
    saturationMinutes: minutes("saturated at maxTasks"),
    /** Error and fatal log lines per minute that page. @default 5 */
    logErrorsPerMinute: v.optional(int(1, 100000, "must be a whole number of log lines per minute from 1 to 100000")),
    /** Minutes the error lines must keep that rate. @default 3 */
    logErrorMinutes: minutes("log errors"),
    /** Minutes of the 5xx rate and latency alarms. @default 5 */
    evaluationMinutes: minutes("5xx rate and p99 latency"),
  },
  "an object of alarm thresholds { errorRatePercent?, p99LatencyMs?, ... }",
);
