// `npm run drift`: from a refreshed preview's steps and the cluster's topics to what it reports.
// Steps are shaped as `pulumi preview --refresh --json` prints them (checked against a real
// stack in the docker-cluster e2e).
import { describe, expect, it } from "vitest";
import { driftLines, undeclaredTopics } from "../../src/preview/drift-report";
import type { PreviewStep } from "../../src/preview/summary";

const urn = (type: string, name: string) => `urn:pulumi:dev::kafka-platform::kafka-platform:index:Topics$${type}::${name}`;
const TOPIC = "kafka:index/topic:Topic";
const ACL = "kafka:index/acl:Acl";

describe("drift", () => {
  it("reads a hand-changed topic config as live → declared, and a deleted ACL as one to re-create", () => {
    const steps: PreviewStep[] = [
      { op: "same", urn: urn(TOPIC, "topics-audit"), oldState: { type: TOPIC, inputs: { name: "audit", config: {} } }, newState: { type: TOPIC, inputs: { name: "audit", config: {} } } },
      {
        op: "update", urn: urn(TOPIC, "topics-orders"),
        oldState: { type: TOPIC, inputs: { name: "orders", partitions: 3, replicationFactor: 3, config: { "retention.ms": "1000", "min.insync.replicas": "2" } } },
        newState: { type: TOPIC, inputs: { name: "orders", partitions: 3, replicationFactor: 3, config: { "retention.ms": "604800000", "min.insync.replicas": "2" } } },
        diffReasons: ["config"],
      },
      {
        op: "create", urn: urn(ACL, "app-read-orders"),
        newState: { type: ACL, inputs: { aclPrincipal: "User:app", aclOperation: "Read", aclPermissionType: "Allow", aclResourceType: "Topic", aclResourceName: "orders", resourcePatternTypeFilter: "Literal" } },
      },
      { op: "read", urn: urn("pulumi:pulumi:StackReference", "previous-deployment") },
    ];
    expect(driftLines(steps)).toEqual([
      "topic ~ orders: retention.ms 1000 → 604800000",
      "+ ACL Allow User:app Read Topic:orders",
    ]);
  });

  it("reports nothing when every declared resource reads back as declared", () => {
    expect(driftLines([{ op: "same", urn: urn(TOPIC, "topics-orders") }, { op: "read", urn: urn("pulumi:pulumi:StackReference", "previous-deployment") }])).toEqual([]);
  });

  it("names other drifted resources by kind and name", () => {
    const c = "docker:index/container:Container";
    expect(driftLines([{ op: "replace", urn: urn(c, "kafka-1"), oldState: { type: c }, newState: { type: c } }])).toEqual(["replace Container kafka-1"]);
  });

  it("lists topics nobody declared, never the platform's own (Kafka's, MirrorMaker's, mirrored copies)", () => {
    const live = ["orders", "handmade", "__consumer_offsets", "heartbeats", "mm2-offsets.east.internal", "east.checkpoints.internal", "east.orders", "audit", "zz-test"];
    const out = { declaredTopics: [{ name: "orders", partitions: 3, replicationFactor: 3, config: {} }, { name: "audit", partitions: 2, replicationFactor: 2, config: {} }],
      mirrors: [{ source: "east", stack: "east", topics: ["orders"], groups: ".*", policy: "prefix" as const, running: true,
        intervals: { checkpointSeconds: 1, groupSyncSeconds: 1, refreshSeconds: 5, heartbeatSeconds: 1, offsetLagMax: 10 } }] };
    expect(undeclaredTopics(live, out)).toEqual(["handmade", "zz-test"]);
    // Without a mirror from east, a topic named east.* is someone's own.
    expect(undeclaredTopics(["east.orders"], { declaredTopics: [] })).toEqual(["east.orders"]);
  });
});
