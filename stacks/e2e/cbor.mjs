// Smithy RPC v2 CBOR <-> AWS JSON 1.0, for the one emulator gap that needs it (README.md "Emulator
// gaps"): aws-sdk-go-v2 speaks CBOR to CloudWatch since service/cloudwatch v1.53.0; moto 5.2.5
// speaks Query and JSON only. Requests are decoded to the JSON moto understands; responses are
// encoded back with the types of the service's botocore model (the one moto itself uses), so that
// timestamps are CBOR epoch tags, doubles are floats and integers integers, as the SDK expects.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

// ---- decoding ----------------------------------------------------------------------------------------
export function decodeCbor(buf) {
  let pos = 0;
  const byte = () => buf[pos++];
  const uint = (info) => {
    if (info < 24) return info;
    if (info === 24) return byte();
    if (info === 25) return (pos += 2), buf.readUInt16BE(pos - 2);
    if (info === 26) return (pos += 4), buf.readUInt32BE(pos - 4);
    if (info === 27) {
      pos += 8;
      const v = buf.readBigUInt64BE(pos - 8);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    throw new Error(`cbor: bad additional info ${info}`);
  };
  const half = (h) => {
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    const v = exp === 0 ? mant * 2 ** -24 : exp === 31 ? (mant ? NaN : Infinity) : (mant + 1024) * 2 ** (exp - 25);
    return h & 0x8000 ? -v : v;
  };
  const item = () => {
    const ib = byte();
    const major = ib >> 5;
    const info = ib & 0x1f;
    if (info === 31 && major >= 2 && major <= 5) {
      // indefinite length
      if (major === 2 || major === 3) {
        const parts = [];
        while (buf[pos] !== 0xff) parts.push(item());
        pos++;
        return major === 2 ? Buffer.concat(parts) : parts.join("");
      }
      if (major === 4) {
        const arr = [];
        while (buf[pos] !== 0xff) arr.push(item());
        pos++;
        return arr;
      }
      const obj = {};
      while (buf[pos] !== 0xff) {
        const k = item();
        obj[k] = item();
      }
      pos++;
      return obj;
    }
    switch (major) {
      case 0:
        return uint(info);
      case 1: {
        const n = uint(info);
        return typeof n === "bigint" ? -1n - n : -1 - n;
      }
      case 2: {
        const n = uint(info);
        pos += n;
        return buf.subarray(pos - n, pos);
      }
      case 3: {
        const n = uint(info);
        pos += n;
        return buf.toString("utf8", pos - n, pos);
      }
      case 4: {
        const n = uint(info);
        const arr = [];
        for (let i = 0; i < n; i++) arr.push(item());
        return arr;
      }
      case 5: {
        const n = uint(info);
        const obj = {};
        for (let i = 0; i < n; i++) {
          const k = item();
          obj[k] = item();
        }
        return obj;
      }
      case 6: {
        const tag = uint(info);
        const v = item();
        if (tag === 1) return { __epoch: Number(v) };
        return v;
      }
      default:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22 || info === 23) return null;
        if (info === 25) return (pos += 2), half(buf.readUInt16BE(pos - 2));
        if (info === 26) return (pos += 4), buf.readFloatBE(pos - 4);
        if (info === 27) return (pos += 8), buf.readDoubleBE(pos - 8);
        throw new Error(`cbor: unsupported simple value ${info}`);
    }
  };
  return buf.length ? item() : {};
}

/** The decoded CBOR value as the AWS JSON protocol writes it (timestamps as epoch seconds, blobs base64). */
export function toJsonValue(v) {
  if (v === null || typeof v !== "object") return typeof v === "bigint" ? Number(v) : v;
  if (Buffer.isBuffer(v)) return v.toString("base64");
  if ("__epoch" in v && Object.keys(v).length === 1) return v.__epoch;
  if (Array.isArray(v)) return v.map(toJsonValue);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonValue(x)]));
}

// ---- encoding ----------------------------------------------------------------------------------------
function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  if (n < 0x100000000) {
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = (major << 5) | 27;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}
const float64 = (x) => {
  const b = Buffer.alloc(9);
  b[0] = 0xfb;
  b.writeDoubleBE(x, 1);
  return b;
};
const int = (x) => (x >= 0 ? head(0, x) : head(1, -1 - x));
const text = (s) => {
  const b = Buffer.from(String(s), "utf8");
  return Buffer.concat([head(3, b.length), b]);
};
const seconds = (v) => (typeof v === "number" ? v : Date.parse(v) / 1000);

/** Encodes a JSON-protocol value as CBOR, typed by `shape` (botocore model) where one is known. */
export function encodeCbor(v, shape, shapes) {
  const s = shape ? shapes[shape] : undefined;
  if (v === null || v === undefined) return Buffer.from([0xf6]);
  switch (s?.type) {
    case "timestamp":
      return Buffer.concat([Buffer.from([0xc1]), float64(seconds(v))]);
    case "double":
    case "float":
      return float64(Number(v));
    case "integer":
    case "long":
    case "short":
    case "byte":
      return int(Math.trunc(Number(v)));
    case "blob":
      return ((b) => Buffer.concat([head(2, b.length), b]))(Buffer.from(String(v), "base64"));
    case "list":
      return Buffer.concat([head(4, v.length), ...v.map((x) => encodeCbor(x, s.member.shape, shapes))]);
    case "map":
      return Buffer.concat([head(5, Object.keys(v).length), ...Object.entries(v).flatMap(([k, x]) => [text(k), encodeCbor(x, s.value.shape, shapes)])]);
    case "structure": {
      const entries = Object.entries(v).filter(([, x]) => x !== null && x !== undefined);
      return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, x]) => [text(k), encodeCbor(x, s.members?.[k]?.shape, shapes)])]);
    }
    default:
      break;
  }
  // Untyped (not in the model, or a string/boolean): by the JSON value's own type.
  if (typeof v === "boolean") return Buffer.from([v ? 0xf5 : 0xf4]);
  if (typeof v === "number") return Number.isInteger(v) ? int(v) : float64(v);
  if (typeof v === "string") return text(v);
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map((x) => encodeCbor(x, undefined, shapes))]);
  const entries = Object.entries(v);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, x]) => [text(k), encodeCbor(x, undefined, shapes)])]);
}

// ---- the service models ----------------------------------------------------------------------------
/**
 * Loads the botocore model of every service moto reaches that speaks rpcv2Cbor, keyed by the
 * service name in the CBOR path (/service/<name>/operation/<op>).
 */
export function loadCborModels(botocoreData, services) {
  const models = {};
  for (const svc of services) {
    const dir = `${botocoreData}/${svc.name}/${svc.apiVersion}`;
    const model = JSON.parse(gunzipSync(readFileSync(`${dir}/service-2.json.gz`)).toString("utf8"));
    const target = model.metadata.targetPrefix;
    models[target] = { target, jsonVersion: model.metadata.jsonVersion ?? "1.0", operations: model.operations, shapes: model.shapes };
  }
  return models;
}
