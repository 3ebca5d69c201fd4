import { Construct } from "constructs";
import { FargateService, type FargateWorkloadProps } from "./fargate-service";

export interface WorkerServiceProps extends FargateWorkloadProps {
  /** @default 1 */
  readonly minTasks?: number;
  /** @default max(2, minTasks) */
  readonly maxTasks?: number;
  /** @default minTasks */
  readonly desiredTasks?: number;
}

/** A long-running service with no load balancer and no ingress, scaled on CPU and memory. */
export class WorkerService extends Construct {
  public readonly fargate: FargateService;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    this.fargate = new FargateService(this, "Fargate", props);
  }
}
