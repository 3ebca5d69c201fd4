// The credential detector, measured both ways: every credential shape below is caught, and none of
// the ordinary values is (a false positive stops a synth for nothing). Credentials are assembled at
// run time from harmless parts, so that no scanner mistakes this file for a leak.
import fc from "fast-check";
import { secretFinding } from "./secrets";

const rep = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n);
const b62 = (n: number) => rep("aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0z", n);
const hex = (n: number) => rep("0123456789abcdef", n);

const CREDENTIALS: readonly [string, string][] = [
  ["DATABASE_URL", "postgres://app:" + "s3cret" + "@db.internal:5432/shop"],
  ["DATABASE_URL", "postgres://:" + "s3cret" + "@db.internal:5432/shop"],
  ["REDIS", "rediss://default:" + b62(24) + "@cache:6380/0"],
  ["BROKERS", "amqp://guest:" + "guest1" + "@mq:5672, amqp://other@mq2"],
  ["DSN", "host=db user=app password=" + "hunter22" + " dbname=shop"],
  ["CALLBACK", "https://api.example.com/hook?token=" + b62(20)],
  ["AWS_ID", "AKIA" + "IOSFODNN7EXAMPLE"],
  ["TEMP_ID", "ASIA" + "IOSFODNN7EXAMPLE"],
  ["AWS_CONFIG", "aws_secret_access_key=" + rep("wJalrXUtnFEMIK7MDENGbPxRfiCY/EXAMPLEKEY+", 40)],
  ["CONFIG_JSON", '{"secretAccessKey": "' + rep("wJalrXUtnFEMIK7MDENGbPxRfiCY/EXAMPLEKEY+", 40) + '"}'],
  ["PEM", "-----BEGIN " + "PRIVATE KEY-----\nMIIEvQIBADANBg"],
  ["JWT", "eyJ" + "hbGciOiJIUzI1NiJ9" + ".eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0" + "." + b62(43)],
  ["GH", "ghp" + "_" + b62(36)],
  ["GH_FINE", "github" + "_pat_" + b62(22) + "_" + b62(59)],
  ["GITLAB", "glpat" + "-" + b62(20)],
  ["SLACK", "xox" + "b-" + "1234567890-" + b62(24)],
  ["SLACK_APP", "xapp" + "-1-" + b62(30)],
  ["SLACK_HOOK", "https://hooks.slack.com/services/T" + "0123ABCD/B0123ABCD/" + b62(24)],
  ["MAPS", "AIza" + rep("SyA1b2C3d4E5f6G7h8I9j0K_lMnOpQrStU-", 35)],
  ["GOOGLE_OAUTH", "GOCSPX" + "-" + b62(28)],
  ["OPENAI", "sk" + "-" + b62(48)],
  ["OPENAI_PROJECT", "sk" + "-proj-" + b62(64)],
  ["ANTHROPIC", "sk" + "-ant-api03-" + b62(80)],
  ["STRIPE", "sk" + "_live_" + b62(24)],
  ["STRIPE_RESTRICTED", "rk" + "_test_" + b62(24)],
  ["STRIPE_HOOK", "whsec" + "_" + b62(32)],
  ["TWILIO", "SK" + hex(32)],
  ["SENDGRID", "SG" + "." + b62(22) + "." + b62(43)],
  ["NPM", "npm" + "_" + b62(36)],
  ["PYPI", "pypi" + "-AgEIcHlwaS5vcmc" + b62(60)],
  ["HF", "hf" + "_" + b62(34)],
  ["DO", "dop" + "_v1_" + hex(64)],
  ["SHOPIFY", "shpat" + "_" + hex(32)],
  ["MAILGUN", "key" + "-" + hex(32)],
  ["AZURE", "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=" + rep("a1B2c3D4/+", 86) + "==;"],
  ["AUTH", "Bearer " + b62(32)],
  // By name: the value is anything, the name says what it is.
  ["DB_PASSWORD", "correct-horse"],
  ["STRIPE_API_KEY", "anything-at-all"],
  ["SESSION_SECRET", "x".repeat(12)],
  ["OAUTH_CLIENT_SECRET", "abc123"],
];

const ORDINARY: readonly [string, string][] = [
  ["DATABASE_URL", "postgres://app@db.internal:5432/shop"],
  ["DATABASE_URL", "postgres://db.internal:5432/shop?sslmode=require"],
  ["PUBLIC_URL", "https://shop.example.com:8443/a@b"],
  ["CONTACT", "ops@example.com"],
  ["REDIS_URL", "redis://cache.internal:6379/0"],
  ["KAFKA_BROKERS", "b-1.kafka.internal:9092,b-2.kafka.internal:9092"],
  ["GIT_SHA", hex(40)],
  ["IMAGE", `111111111111.dkr.ecr.us-east-1.amazonaws.com/bunfg/prod/api@sha256:${hex(64)}`],
  ["REQUEST_ID", "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
  ["SECRET_ARN", "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf"],
  ["DB_PASSWORD_PARAMETER", "/shop/prod/db/password"],
  ["TOKEN_TTL_SECONDS", "3600"],
  ["API_KEY_HEADER", "X-Api-Key"],
  ["PASSWORD_MIN_LENGTH", "12"],
  ["FEATURE_FLAGS", "search,checkout,new-cart"],
  ["JAVA_OPTS", "-Xmx512m -XX:+UseG1GC"],
  ["OTEL_RESOURCE_ATTRIBUTES", "service.name=api,deployment.environment=prod"],
  ["LOCALE", "sk-SK"],
  ["QUEUE", "sk-reporting-service-production-east"],
  ["SLUG", "sk-learn-model-v2-training-pipeline-job"],
  ["SHORT", "sk-test"],
  ["KEY_ROTATION_PATH", "/v1/key-rotation"],
  ["STORE", "key-value-store"],
  ["STRIPE_PUBLISHABLE", "pk" + "_live_" + b62(24)],
  ["GREETING", "xoxo"],
  ["HEADER_PREFIX", "Bearer"],
  ["BASE64_LOGO", "SGVsbG8gd29ybGQhIFRoaXMgaXMgbm90IGEgc2VjcmV0Lg=="],
  ["TIMEZONE", "Europe/Berlin"],
  ["SCHEDULE", "cron(0 3 * * ? *)"],
  ["CSP", "default-src 'self'; img-src https://*.example.com"],
  ["JSON", '{"retries":3,"timeoutMs":2500}'],
  ["REGION", "us-east-1"],
  ["TRACE_HEADER", "Root=1-5759e988-bd862e3fe1be46a994272793"],
  ["HASH", "$2b$12$" + "R9h/cIPz0gi.URNNX3kh2O"],
  ["RESET_URL", "https://shop.example.com/password/reset?user=42"],
  ["TOKEN_ENDPOINT", "https://auth.example.com/oauth/token"],
  ["MESSAGE", "password=short"],
  ["DOCS", "set password=<your password> in the vault"],
  ["EMPTY", ""],
  ["ENABLED", "true"],
];

describe("secretFinding", () => {
  test.each(CREDENTIALS)("finds the credential in %s", (name, value) => {
    expect(secretFinding(name, value)).toBeDefined();
  });

  test.each(ORDINARY)("leaves the ordinary value of %s alone: %j", (name, value) => {
    expect(secretFinding(name, value)).toBeUndefined();
  });

  test("reads a long value without backtracking through it: 300 KB of any credential's prefix is judged at once", () => {
    // A pattern that backtracks quadratically takes about 25 s on 300 KB (past the test timeout); linear ones take milliseconds.
    for (const unit of ["x", "a:", "://:", "a://b:", "password=", "eyJaaaaaaaaaaa.", "sk-", "AKIA", "xoxb-", ":@", "AccountKey=", "Bearer ", "secret_key=", "ghp_", "SG."]) {
      const long = secretFinding("NAME", unit.repeat(Math.ceil(300_000 / unit.length)));
      expect(long).toEqual(secretFinding("NAME", unit.repeat(Math.ceil(30_000 / unit.length))));
    }
  });

  test("no false positives on generated identifiers, hashes, addresses and URLs without credentials", () => {
    const values = fc.oneof(
      fc.uuid(),
      fc.stringMatching(/^[0-9a-f]{40}$/),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.ipV4(),
      fc.domain(),
      fc.webUrl({ withQueryParameters: false, withFragments: true }),
      fc.emailAddress(),
      fc.stringMatching(/^[a-z]+(-[a-z]+){1,6}$/),
      fc.integer().map(String),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/), values, (name, value) => {
        fc.pre(secretFinding(name, "placeholder") === undefined); // names that are secret by themselves are covered above
        return secretFinding(name, value) === undefined;
      }),
      { seed: 20261202, numRuns: 2000 },
    );
  });
});
