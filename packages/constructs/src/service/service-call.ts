import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { FargateService } from "./fargate-service";

export interface ServiceCallProps {
  /** The service that calls. */
  readonly caller: FargateService;
  readonly callerName: string;
  /** The service called, which serves `port` through Service Connect. */
  readonly callee: FargateService;
  readonly calleeName: string;
  /** The callee's container port. */
  readonly port: number;
}

/**
 * One declared call: the callee's security group admits the caller's on the callee's container
 * port and nothing else, and the caller's group may send there. Create it in the caller's scope:
 * it names the callee's group, so the caller's stack depends on the callee's (callee first), and a
 * callee's own stack never changes when a caller is added or removed.
 */
export class ServiceCall extends Construct {
  public readonly ingress: VpcSecurityGroupIngressRule;
  public readonly egress: VpcSecurityGroupEgressRule;

  constructor(scope: Construct, id: string, props: ServiceCallProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.port) && (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535)) {
      throw new Error(`ServiceCall "${props.callerName}" -> "${props.calleeName}": port ${props.port} must be a whole number from 1 to 65535`);
    }
    if (props.caller === props.callee) throw new Error(`ServiceCall "${props.callerName}": a service cannot call itself through Service Connect`);
    this.ingress = new VpcSecurityGroupIngressRule(this, "Ingress", {
      securityGroupId: props.callee.securityGroup.id,
      description: `From ${props.callerName}, on the container port (Service Connect)`,
      ipProtocol: "tcp",
      fromPort: props.port,
      toPort: props.port,
      referencedSecurityGroupId: props.caller.securityGroup.id,
    });
    this.egress = new VpcSecurityGroupEgressRule(this, "Egress", {
      securityGroupId: props.caller.securityGroup.id,
      description: `To ${props.calleeName}, on its container port (Service Connect)`,
      ipProtocol: "tcp",
      fromPort: props.port,
      toPort: props.port,
      referencedSecurityGroupId: props.callee.securityGroup.id,
    });
  }
}
