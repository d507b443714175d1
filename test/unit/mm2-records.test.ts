// MirrorMaker 2's internal records (Kafka 3.9): hand-built bytes from the Java schemas, round trips,
// Connect's JSON offsets, and the errors on truncated or unknown records.
import { describe, it, expect } from "vitest";
import {
  Mm2RecordError, decodeCheckpoint, decodeCheckpointKey, decodeHeartbeat, decodeOffsetSync, decodeSourceOffsetKey, decodeSourceOffsetValue,
  encodeCheckpoint, encodeCheckpointKey, encodeHeartbeat, encodeOffsetSync, type Checkpoint,
} from "../../src/model/mm2-records";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const json = (s: string) => Buffer.from(s, "utf8");

describe("checkpoints", () => {
  // Checkpoint.java: KEY_SCHEMA = group STRING, topic STRING, partition INT32 (no header);
  // value = HEADER_SCHEMA version INT16, then upstreamOffset INT64, offset INT64, metadata STRING.
  const key = hex("0002 6731 0006 6f7264657273 00000003"); // "g1", "orders", 3
  const value = hex("0000 00000000000003e8 00000000000003de 0002 6d64"); // v0, 1000, 990, "md"

  it("decodes bytes built from the Java schema", () => {
    expect(decodeCheckpoint(key, value)).toEqual({ group: "g1", topic: "orders", partition: 3, upstreamOffset: 1000, downstreamOffset: 990, metadata: "md" });
  });

  it("encodes the same bytes", () => {
    const c: Checkpoint = { group: "g1", topic: "orders", partition: 3, upstreamOffset: 1000, downstreamOffset: 990, metadata: "md" };
    const e = encodeCheckpoint(c);
    expect(e.key.equals(key)).toBe(true);
    expect(e.value.equals(value)).toBe(true);
    expect(encodeCheckpointKey(c).equals(key)).toBe(true);
  });

  it("round-trips non-ASCII names, empty metadata and large offsets", () => {
    const c: Checkpoint = { group: "grüppe-✓", topic: "A.orders", partition: 2147483647, upstreamOffset: 2 ** 53 - 1, downstreamOffset: 0, metadata: "" };
    const e = encodeCheckpoint(c);
    expect(decodeCheckpoint(e.key, e.value)).toEqual(c);
    expect(decodeCheckpointKey(e.key)).toEqual({ group: c.group, topic: c.topic, partition: c.partition });
  });

  it("ignores bytes after the last field, as Kafka's Schema.read does", () => {
    expect(decodeCheckpoint(key, Buffer.concat([value, hex("ff")])).metadata).toBe("md");
  });

  it("refuses an unknown version", () => {
    expect(() => decodeCheckpoint(key, hex("0001 00000000000003e8 00000000000003de 0000"))).toThrow(/checkpoint value has version 1/);
  });

  it("refuses short buffers, naming the field", () => {
    expect(() => decodeCheckpoint(key, value.subarray(0, 10))).toThrow(Mm2RecordError);
    expect(() => decodeCheckpoint(key, value.subarray(0, 6))).toThrow(/checkpoint value is too short: upstreamOffset needs 8 bytes at byte 2, 4 left/);
    expect(() => decodeCheckpoint(key, value.subarray(0, value.length - 1))).toThrow(/metadata needs 2 bytes/);
    expect(() => decodeCheckpoint(key.subarray(0, key.length - 2), value)).toThrow(/checkpoint key is too short: partition/);
    expect(() => decodeCheckpoint(Buffer.alloc(0), value)).toThrow(/the length of group/);
    expect(() => decodeCheckpoint(key, Buffer.alloc(1))).toThrow(/the version needs 2 bytes/);
  });

  it("refuses a negative string length and an offset beyond 2^53", () => {
    expect(() => decodeCheckpointKey(hex("ffff"))).toThrow(/group has a negative length -1/);
    expect(() => decodeCheckpoint(key, hex("0000 0020000000000000 0000000000000000 0000"))).toThrow(/upstreamOffset 9007199254740992 is beyond 2\^53/);
  });
});

describe("offset syncs", () => {
  // OffsetSync.java: KEY_SCHEMA = topic STRING, partition INT32; VALUE_SCHEMA = upstreamOffset
  // INT64, offset INT64. Neither has a version header.
  const key = hex("0006 6f7264657273 00000001");
  const value = hex("0000000000000064 000000000000005a"); // 100, 90

  it("decodes bytes built from the Java schema", () => {
    expect(decodeOffsetSync(key, value)).toEqual({ topic: "orders", partition: 1, upstreamOffset: 100, downstreamOffset: 90 });
  });

  it("round-trips", () => {
    const s = { topic: "orders", partition: 1, upstreamOffset: 100, downstreamOffset: 90 };
    const e = encodeOffsetSync(s);
    expect(e.key.equals(key) && e.value.equals(value)).toBe(true);
    expect(decodeOffsetSync(e.key, e.value)).toEqual(s);
  });

  it("refuses short buffers", () => {
    expect(() => decodeOffsetSync(key, value.subarray(0, 12))).toThrow(/offset-sync value is too short: offset needs 8 bytes at byte 8, 4 left/);
    expect(() => decodeOffsetSync(key.subarray(0, 5), value)).toThrow(/offset-sync key is too short: topic needs 6 bytes/);
  });
});

describe("heartbeats", () => {
  // Heartbeat.java: KEY_SCHEMA = sourceClusterAlias STRING, targetClusterAlias STRING (no header);
  // value = version INT16, timestamp INT64.
  const key = hex("0001 41 0001 42"); // "A", "B"
  const value = hex("0000 0000018bcfe56800"); // v0, 1700000000000

  it("decodes bytes built from the Java schema, and encodes them back", () => {
    const h = { sourceClusterAlias: "A", targetClusterAlias: "B", timestamp: 1_700_000_000_000 };
    expect(decodeHeartbeat(key, value)).toEqual(h);
    const e = encodeHeartbeat(h);
    expect(e.key.equals(key) && e.value.equals(value)).toBe(true);
  });

  it("refuses an unknown version and a short value", () => {
    expect(() => decodeHeartbeat(key, hex("0002 0000018bcfe56800"))).toThrow(/heartbeat value has version 2/);
    expect(() => decodeHeartbeat(key, value.subarray(0, 9))).toThrow(/heartbeat value is too short: timestamp/);
  });
});

describe("Connect offsets of MirrorSourceTask", () => {
  // OffsetStorageWriter: key = [connector, MirrorUtils.wrapPartition] and value = wrapOffset, both
  // through JsonConverter with schemas.enable=false.
  it("decodes a MirrorSourceConnector position", () => {
    expect(decodeSourceOffsetKey(json('["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"orders"}]')))
      .toEqual({ connector: "MirrorSourceConnector", cluster: "A", topic: "orders", partition: 0 });
    expect(decodeSourceOffsetKey(json('["mm2-a-b",{"topic":"orders","partition":4}]'))).toEqual({ connector: "mm2-a-b", topic: "orders", partition: 4 });
    expect(decodeSourceOffsetValue(json('{"offset":41}'))).toBe(41);
  });

  it("passes over the checkpoint and heartbeat connectors' keys", () => {
    expect(decodeSourceOffsetKey(json('["MirrorCheckpointConnector",{"group":"g1","partition":0,"topic":"orders"}]'))).toBeUndefined();
    expect(decodeSourceOffsetKey(json('["MirrorHeartbeatConnector",{"sourceClusterAlias":"A","targetClusterAlias":"B"}]'))).toBeUndefined();
  });

  it("reads a tombstone or a missing offset as no position", () => {
    expect(decodeSourceOffsetValue(null)).toBeUndefined();
    expect(decodeSourceOffsetValue(json("{}"))).toBeUndefined();
  });

  it("refuses what is not Connect's JSON", () => {
    expect(() => decodeSourceOffsetKey(json("not json"))).toThrow(/offsets-topic key is not JSON/);
    expect(() => decodeSourceOffsetKey(json('{"topic":"orders"}'))).toThrow(Mm2RecordError);
    expect(() => decodeSourceOffsetValue(json('{"offset":"41"}'))).toThrow(/not an integer/);
    expect(() => decodeSourceOffsetValue(json("[41]"))).toThrow(/not a JSON object/);
  });
});
