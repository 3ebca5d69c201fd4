import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";

/**
 * Regions opened before August 2022 deliver ALB logs from a regional ELB account; newer regions
 * use the log delivery service principal.
 */
const ELB_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "ca-central-1": "985666609251",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-central-1": "054676820928",
  "eu-north-1": "897822967062",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "sa-east-1": "507241528517",
  // Opt-in regions opened before August 2022 also deliver from an ELB account.
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-northeast-3": "383597477331",
  "ap-southeast-3": "589379963580",
  "eu-south-1": "635631232127",
  "me-south-1": "076674570225",
};

export interface AccessLogBucketProps {
  /** Bucket name prefix; a unique suffix is added. */
  readonly namePrefix: string;
  /** Region of the load balancer writing the logs. */
  readonly region: string;
  /** Days logs are kept. @default 90 */
  readonly expirationDays?: number;
}

/** A private, encrypted bucket that only the region's ALB log delivery may write to. */
export class AccessLogBucket extends Construct {
  public readonly bucket: S3Bucket;
  /** What lets the ALB write; the ALB must wait for it, since enabling logs tests a write. */
  public readonly bucketPolicy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    // Terraform appends a 26-character suffix; bucket names are lower case and at most 63 long.
    const bucketPrefix = props.namePrefix.toLowerCase().slice(0, 63 - 26);
    this.bucket = new S3Bucket(this, "Bucket", { bucketPrefix, forceDestroy: false });
    new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "Ownership", { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    // ALB access logs support only SSE-S3.
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketVersioningA(this, "Versioning", { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    const days = props.expirationDays ?? 90;
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days }],
          noncurrentVersionExpiration: [{ noncurrentDays: 7 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    const account = ELB_ACCOUNTS[props.region];
    const writer = account
      ? { type: "AWS", identifiers: [`arn:aws:iam::${account}:root`] }
      : { type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] };
    const policy = new DataAwsIamPolicyDocument(this, "Policy", {
      statement: [
        { sid: "AlbLogDelivery", actions: ["s3:PutObject"], principals: [writer], resources: [`${this.bucket.arn}/*`] },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          principals: [{ type: "*", identifiers: ["*"] }],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    this.bucketPolicy = new S3BucketPolicy(this, "BucketPolicy", { bucket: this.bucket.id, policy: policy.json });
  }
}
