import { capacityStrategy } from "./capacity-strategy";

describe("capacityStrategy", () => {
  test("share 0: FARGATE only, no base", () => {
    expect(capacityStrategy(0, 2)).toEqual([{ capacityProvider: "FARGATE", weight: 1, base: 0 }]);
  });

  test("share 1: FARGATE_SPOT only, no base", () => {
    expect(capacityStrategy(1, 2)).toEqual([{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }]);
  });

  test("share 0.5 with a base: the base runs on demand, the rest is split evenly", () => {
    expect(capacityStrategy(0.5, 2)).toEqual([
      { capacityProvider: "FARGATE", weight: 50, base: 2 },
      { capacityProvider: "FARGATE_SPOT", weight: 50, base: 0 },
    ]);
  });

  test("weights follow the share in percent, and only FARGATE carries a base", () => {
    const strategy = capacityStrategy(0.25, 1);
    expect(strategy).toEqual([
      { capacityProvider: "FARGATE", weight: 75, base: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 25, base: 0 },
    ]);
    expect(capacityStrategy(0.8, 0).map((s) => s.weight)).toEqual([20, 80]);
  });

  test.each([-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("fails when the share is %p", (share) => {
    expect(() => capacityStrategy(share, 1)).toThrow(`capacityStrategy: spotShare ${share} must be a number from 0 to 1`);
  });
});
