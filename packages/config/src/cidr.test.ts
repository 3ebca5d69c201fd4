import { cidrsOverlap, formatCidr, parseCidr, subnetCidr, type Cidr } from "./cidr";

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test setup: ${text} does not parse`);
  return parsed;
};

describe("parseCidr", () => {
  test.each([
    ["10.0.0.0/16", 10 * 2 ** 24, 16],
    ["10.20.0.0/16", 10 * 2 ** 24 + 20 * 2 ** 16, 16],
    ["192.168.4.0/22", 192 * 2 ** 24 + 168 * 2 ** 16 + 4 * 2 ** 8, 22],
    ["0.0.0.0/0", 0, 0],
    ["255.255.255.255/32", 2 ** 32 - 1, 32],
  ])("parses %s", (text, base, prefix) => {
    expect(parseCidr(text)).toEqual({ base, prefix });
  });

  test.each([
    "",
    "10.0.0.0",
    "10.0.0/16",
    "10.0.0.0.0/16",
    "10.0.0.0/",
    "10.0.0.0/16/8",
    "a.b.c.d/16",
    "10.0.0.256/24",
    "256.0.0.0/8",
    "10.0.0.0/33",
    "10.0.0.0/-1",
    " 10.0.0.0/16",
    "10.0.0.0/16 ",
    "10.0.0.0 /16",
    "::1/128",
  ])("rejects malformed %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test.each(["10.0.0.1/16", "10.0.1.0/16", "10.1.0.0/15", "10.0.0.128/24", "192.168.1.0/23", "0.0.0.1/0"])(
    "rejects %s: host bits set",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );

  test("accepts the same address once the prefix leaves no host bits set", () => {
    expect(parseCidr("10.0.0.128/25")).toEqual({ base: 10 * 2 ** 24 + 128, prefix: 25 });
    expect(parseCidr("10.0.0.1/32")).toEqual({ base: 10 * 2 ** 24 + 1, prefix: 32 });
  });
});

describe("formatCidr", () => {
  test.each(["10.0.0.0/16", "172.16.0.0/12", "192.168.255.0/24", "255.255.255.255/32", "0.0.0.0/0", "128.0.0.0/1"])(
    "round-trips %s",
    (text) => {
      expect(formatCidr(cidr(text))).toBe(text);
    },
  );
});

describe("cidrsOverlap", () => {
  test.each([
    ["10.0.0.0/16", "10.0.0.0/16"],
    ["10.0.0.0/8", "10.20.0.0/16"],
    ["10.20.0.0/16", "10.20.255.0/24"],
    ["10.20.0.0/22", "10.20.3.0/24"],
    ["0.0.0.0/0", "192.168.0.0/16"],
  ])("%s and %s overlap (either order)", (a, b) => {
    expect(cidrsOverlap(cidr(a), cidr(b))).toBe(true);
    expect(cidrsOverlap(cidr(b), cidr(a))).toBe(true);
  });

  test.each([
    ["10.0.0.0/16", "10.1.0.0/16"],
    ["10.10.0.0/16", "10.20.0.0/16"],
    ["10.20.0.0/22", "10.20.4.0/22"],
    ["10.0.0.0/8", "11.0.0.0/8"],
    ["192.168.0.0/24", "192.168.1.0/24"],
  ])("%s and %s do not overlap (either order), even when adjacent", (a, b) => {
    expect(cidrsOverlap(cidr(a), cidr(b))).toBe(false);
    expect(cidrsOverlap(cidr(b), cidr(a))).toBe(false);
  });
});

describe("subnetCidr", () => {
  // Expected values are what Terraform's cidrsubnet(prefix, newbits, netnum) returns.
  test.each([
    ["10.0.0.0/16", 4, 0, "10.0.0.0/20"],
    ["10.0.0.0/16", 4, 1, "10.0.16.0/20"],
    ["10.0.0.0/16", 4, 15, "10.0.240.0/20"],
    ["10.1.0.0/16", 8, 2, "10.1.2.0/24"],
    ["172.16.0.0/12", 4, 2, "172.18.0.0/16"],
    ["10.1.2.0/24", 4, 15, "10.1.2.240/28"],
    ["10.30.0.0/16", 3, 7, "10.30.224.0/19"],
    ["10.0.0.0/22", 3, 5, "10.0.2.128/25"],
    ["10.0.0.0/16", 0, 0, "10.0.0.0/16"],
  ])("cidrsubnet(%s, %i, %i) = %s", (parent, newBits, index, expected) => {
    expect(subnetCidr(parent, newBits, index)).toBe(expected);
  });

  test("the blocks of a VPC lie inside it and do not overlap each other", () => {
    const vpc = "10.20.0.0/16";
    const blocks = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => subnetCidr(vpc, 3, i));
    expect(new Set(blocks).size).toBe(8);
    for (const [i, a] of blocks.entries()) {
      expect(cidrsOverlap(cidr(a), cidr(vpc))).toBe(true);
      expect(cidr(a).prefix).toBe(19);
      for (const b of blocks.slice(i + 1)) expect(cidrsOverlap(cidr(a), cidr(b))).toBe(false);
    }
  });

  test.each(["10.0.0.1/16", "10.0.0/16", "not a cidr"])("throws on an invalid parent %j, naming it", (parent) => {
    expect(() => subnetCidr(parent, 4, 0)).toThrow(`subnetCidr: "${parent}" is not a valid IPv4 CIDR`);
  });

  test.each([
    ["10.0.0.0/16", 4, 16, "block 16 of /20"],
    ["10.0.0.0/16", 1, 2, "block 2 of /17"],
    ["10.0.0.0/16", 4, -1, "block -1 of /20"],
    ["10.0.0.0/24", 5, 0, "block 0 of /29"],
    ["10.0.0.0/16", 16, 0, "block 0 of /32"],
  ])("throws when the block does not fit: %s + %i bits, index %i", (parent, newBits, index, what) => {
    expect(() => subnetCidr(parent, newBits, index)).toThrow(`subnetCidr: ${what} does not fit in ${parent}`);
  });

  test.each([
    [-1, 0],
    [1.5, 0],
    [4, 0.5],
    [Number.NaN, 0],
    [4, Number.NaN],
  ])("throws on newBits %d / index %d that are not whole numbers in range", (newBits, index) => {
    expect(() => subnetCidr("10.0.0.0/16", newBits, index)).toThrow(/^subnetCidr: newBits .* must be whole numbers/);
  });
});
