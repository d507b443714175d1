// Topic-level configs a topology may declare (Kafka 3.9 names), with the type Kafka expects.
// An unknown key is an error rather than a silent no-op: a typo must not pass review.
import { show } from "./issues";

type Check = (value: unknown) => { value: string } | { problem: string };

const LONG_MAX = 9223372036854775807n;

function integer(min: bigint, max: bigint): Check {
  return (v) => {
    const s = typeof v === "number" ? (Number.isInteger(v) ? String(v) : "x") : typeof v === "string" ? v.trim() : "x";
    if (!/^-?\d+$/.test(s)) return { problem: `${show(v)} is not an integer` };
    const n = BigInt(s);
    if (n < min || n > max) return { problem: `${s} is out of range (${min}–${max})` };
    return { value: n.toString() };
  };
}
const ratio: Check = (v) => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (!Number.isFinite(n)) return { problem: `${show(v)} is not a number` };
  if (n < 0 || n > 1) return { problem: `${n} is out of range (0–1)` };
  return { value: String(n) };
};
const bool: Check = (v) =>
  v === true || v === false || v === "true" || v === "false"
    ? { value: String(v) }
    : { problem: `${show(v)} is not true or false` };
function oneOf(...allowed: string[]): Check {
  return (v) =>
    typeof v === "string" && allowed.includes(v)
      ? { value: v }
      : { problem: `${show(v)} is not one of ${allowed.join(", ")}` };
}
const cleanupPolicy: Check = (v) => {
  const parts = typeof v === "string" ? v.split(",").map((p) => p.trim()) : [];
  return parts.length > 0 && parts.every((p) => p === "delete" || p === "compact")
    ? { value: parts.join(",") }
    : { problem: `${show(v)} is not delete, compact or compact,delete` };
};

const INT = 2147483647n;
/** -1 means "no limit" for the retention settings. */
export const TOPIC_CONFIGS: Record<string, Check> = {
  "cleanup.policy": cleanupPolicy,
  "compression.type": oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
  "delete.retention.ms": integer(0n, LONG_MAX),
  "file.delete.delay.ms": integer(0n, LONG_MAX),
  "flush.messages": integer(1n, LONG_MAX),
  "flush.ms": integer(0n, LONG_MAX),
  "index.interval.bytes": integer(0n, INT),
  "max.compaction.lag.ms": integer(1n, LONG_MAX),
  "max.message.bytes": integer(0n, INT),
  "message.timestamp.after.max.ms": integer(0n, LONG_MAX),
  "message.timestamp.before.max.ms": integer(0n, LONG_MAX),
  "message.timestamp.type": oneOf("CreateTime", "LogAppendTime"),
  "min.cleanable.dirty.ratio": ratio,
  "min.compaction.lag.ms": integer(0n, LONG_MAX),
  "min.insync.replicas": integer(1n, INT),
  preallocate: bool,
  "retention.bytes": integer(-1n, LONG_MAX),
  "retention.ms": integer(-1n, LONG_MAX),
  "segment.bytes": integer(14n, INT),
  "segment.index.bytes": integer(4n, INT),
  "segment.jitter.ms": integer(0n, LONG_MAX),
  "segment.ms": integer(1n, LONG_MAX),
  "unclean.leader.election.enable": bool,
};

/** Normalizes one declared topic config value, or says what is wrong with it. */
export function checkTopicConfig(key: string, value: unknown): { value: string } | { problem: string } {
  const check = TOPIC_CONFIGS[key];
  if (!check) return { problem: `unknown config key '${key}'` };
  return check(value);
}
