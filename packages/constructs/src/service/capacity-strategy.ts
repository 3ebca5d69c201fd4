/** One entry of an ECS capacity provider strategy. */
export interface CapacityProviderShare {
  readonly capacityProvider: "FARGATE" | "FARGATE_SPOT";
  readonly weight: number;
  readonly base: number;
}

/**
 * Turns a spot share into a capacity provider strategy. With a mixed share, the first
 * `onDemandBase` tasks always run on demand (spot can be reclaimed with two minutes' notice) and
 * the rest are split by weight.
 */
export function capacityStrategy(spotShare: number, onDemandBase: number): CapacityProviderShare[] {
  if (!(spotShare >= 0 && spotShare <= 1)) {
    throw new Error(`capacityStrategy: spotShare ${spotShare} must be a number from 0 to 1`);
  }
  if (spotShare === 0) return [{ capacityProvider: "FARGATE", weight: 1, base: 0 }];
  if (spotShare === 1) return [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }];
  const spot = Math.round(spotShare * 100);
  return [
    { capacityProvider: "FARGATE", weight: 100 - spot, base: onDemandBase },
    { capacityProvider: "FARGATE_SPOT", weight: spot, base: 0 },
  ];
}
