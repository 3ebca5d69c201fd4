import type { PolicyRule } from "../types";
import { albDeletionProtection, dropInvalidHeaders, httpRedirects, httpsSendsHsts } from "./alb";
import { nonRootUser, noHostAccess, notPrivileged, readOnlyRoot, secretsByReference } from "./containers";
import { bakedDeploys, circuitBreaker, deploymentAlarms, minimumTasks, noPublicIp } from "./ecs";
import { leastPrivilege, taskRoleGrants } from "./iam";
import { multiAz, taskIngressClosed } from "./network";
import { alarmsNotify } from "./operations";
import { rightSized } from "./size";
import { immutableTags, logRetention, queueEncryptedWithDeadLetters, scanOnPush } from "./storage";

/** Every rule, in the order findings are reported. Documented in ../README.md. */
export const RULES: readonly PolicyRule[] = [
  circuitBreaker,
  deploymentAlarms,
  minimumTasks,
  noPublicIp,
  bakedDeploys,
  multiAz,
  taskIngressClosed,
  albDeletionProtection,
  httpRedirects,
  dropInvalidHeaders,
  httpsSendsHsts,
  readOnlyRoot,
  nonRootUser,
  notPrivileged,
  noHostAccess,
  secretsByReference,
  leastPrivilege,
  taskRoleGrants,
  logRetention,
  immutableTags,
  scanOnPush,
  queueEncryptedWithDeadLetters,
  rightSized,
  alarmsNotify,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));
