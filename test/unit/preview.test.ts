// `npm run preview`: from a preview's steps to what a reviewer reads. Steps are shaped as
// `pulumi preview --json` prints them (checked against a real preview in the docker-cluster e2e).
import { describe, expect, it } from "vitest";
import { pathSegments, renderDiff } from "../../src/preview/diff";
import { COMMENT_MARKER, renderMarkdown, renderText, verdict } from "../../src/preview/render";
import { summarize, type PreviewStep } from "../../src/preview/summary";

const urn = (type: string, name: string, parent = "kafka-platform:index:KafkaCluster") => `urn:pulumi:dev::kafka-platform::${parent}$${type}::${name}`;
const TOPIC = "kafka:index/topic:Topic";
const CONTAINER = "docker:index/container:Container";
const step = (op: string, type: string, name: string, old?: Record<string, unknown>, neu?: Record<string, unknown>, extra: Partial<PreviewStep> = {}): PreviewStep => ({
  op, urn: urn(type, name),
  ...(old ? { oldState: { type, inputs: old } } : {}), ...(neu ? { newState: { type, inputs: neu } } : {}), ...extra,
});

const steps: PreviewStep[] = [
  step("same", CONTAINER, "zookeeper-0", { name: "kp-dev-zookeeper-0" }, { name: "kp-dev-zookeeper-0" }),
  // A broker config change: every broker replaced (a create-replacement and a delete-replaced step each).
  ...[0, 1, 2].flatMap((i) => ["replace", "create-replacement", "delete-replaced"].map((op) =>
    step(op, CONTAINER, `kafka-${i}`, { uploads: "[secret]" }, { uploads: "[secret]" }, { replaceReasons: ["uploads"], detailedDiff: { uploads: { kind: "update-replace" } } }))),
  step("update", TOPIC, "topics-orders",
    { name: "orders", partitions: 3, replicationFactor: 3, config: { "retention.ms": "604800000" } },
    { name: "orders", partitions: 6, replicationFactor: 3, config: { "retention.ms": "86400000" } },
    { diffReasons: ["config", "partitions"], detailedDiff: { 'config["retention.ms"]': { kind: "update" }, partitions: { kind: "update" } } }),
  step("update", TOPIC, "topics-audit", { name: "audit", partitions: 2, replicationFactor: 3, config: {} }, { name: "audit", partitions: 2, replicationFactor: 2, config: {} },
    { diffReasons: ["replicationFactor"], detailedDiff: { replicationFactor: { kind: "update" } } }),
  step("create", TOPIC, "topics-payments", undefined, { name: "payments", partitions: 6, replicationFactor: 3, config: {} }),
  step("delete", TOPIC, "topics-scratch", { name: "scratch", partitions: 1, replicationFactor: 1, config: {} }),
  step("create", "kafka:index/acl:Acl", "principals-app:write:topic:payments", undefined,
    { aclPrincipal: "User:app", aclOperation: "Write", aclPermissionType: "Allow", aclResourceType: "Topic", aclResourceName: "payments", resourcePatternTypeFilter: "Literal" }),
  step("delete", CONTAINER, "kafka-3", { name: "kp-dev-kafka-3" }),
  step("delete", "docker:index/volume:Volume", "kafka-3-data", { name: "kp-dev-kafka-3-data" }),
  step("read", "pulumi:pulumi:StackReference", "previous-deployment"),
];

describe("the preview summary", () => {
  it("says what restarts, what rolls, how topics and access change, and every data-losing change", () => {
    const s = summarize(steps, ["broker:3"]);
    expect(s.counts).toEqual({ create: 2, update: 2, replace: 3, delete: 3 });
    expect(s.rolls).toEqual(["brokers kafka-0, kafka-1, kafka-2: one at a time, each waiting until every partition is in sync again"]);
    expect(s.restarts).toEqual(["broker kafka-0 (replaced: uploads)", "broker kafka-1 (replaced: uploads)", "broker kafka-2 (replaced: uploads)"]);
    expect(s.topics).toEqual([
      "~ audit: replication factor 3 → 2 (replicas move)",
      "~ orders: partitions 3 → 6, retention.ms 604800000 → 86400000",
      "+ payments: new, 6 partitions, replication factor 3",
      "- scratch: deleted with its data",
    ]);
    expect(s.access).toEqual(["+ ACL Allow User:app Write Topic:payments"]);
    expect(s.dataLoss).toEqual([
      { key: "topic:audit:replicationFactor", what: "topic audit replication factor 3 → 2: replicas are moved (copies are removed)" },
      { key: "topic:scratch", what: "topic scratch deleted with its data", declared: "allowDelete" },
      { key: "broker:3", what: "broker kafka-3 removed: the replicas it holds go with it unless moved first", declared: "kafka-platform:allowDataLoss" },
      { key: "volume:kafka-3-data", what: "volume kafka-3-data deleted: its data is lost" },
    ]);
  });

  it("fails on each undeclared loss, naming the key that declares it; passes once all are declared", () => {
    const text = renderText({ stack: "dev", summary: summarize(steps, ["broker:3"]) });
    expect(text).toContain(`volume kafka-3-data deleted: its data is lost; NOT DECLARED: add "volume:kafka-3-data" to kafka-platform:allowDataLoss to accept it`);
    expect(text.trim().split("\n").at(-1)).toBe("refused: 2 data-losing change(s) not declared: topic:audit:replicationFactor, volume:kafka-3-data");
    const all = summarize(steps, ["broker:3", "volume:kafka-3-data", "topic:audit:replicationFactor"]);
    expect(verdict({ stack: "dev", summary: all })).toEqual({ ok: true, line: "ok: 4 data-losing change(s), each declared" });
    expect(verdict({ stack: "dev", summary: summarize([steps[0]], []) })).toEqual({ ok: true, line: "ok: no change loses data" });
    expect(renderText({ stack: "dev", summary: summarize([steps[0]], []) })).toContain("Changes:\n  none: nothing to change\n");
  });

  it("reports the program's own refusal as a failed check", () => {
    const r = { stack: "dev", refused: ["topic 'orders': partitions 3 → 2 would delete and re-create the topic"] };
    expect(verdict(r).ok).toBe(false);
    expect(renderText(r)).toContain("Refused by the program (nothing was planned):\n  topic 'orders': partitions 3 → 2");
  });

  it("writes a pull-request comment CI can find again, with the diff folded away", () => {
    const md = renderMarkdown({ stack: "prod", summary: summarize(steps, []), diff: renderDiff(steps) });
    expect(md.split("\n")[0]).toBe(COMMENT_MARKER("prod"));
    expect(md).toContain("### ❌ `pulumi preview` of stack `prod`");
    expect(md).toContain("**Data loss**");
    expect(md).toContain("<details><summary>Pulumi's diff</summary>");
    expect(md).toContain("- ~ orders: partitions 3 → 6");
  });
});

describe("the diff rebuilt from the steps", () => {
  it("lists each changed resource once, with old and new values of its changed properties", () => {
    const d = renderDiff(steps);
    expect(d).toContain("+- docker:index/container:Container kafka-0 (replace)\n    ~ uploads: [secret] => [secret] [forces replacement]\n");
    expect(d).toContain('~ kafka:index/topic:Topic topics-orders\n    ~ config["retention.ms"]: 604800000 => 86400000\n    ~ partitions: 3 => 6\n');
    expect(d).toContain("- docker:index/volume:Volume kafka-3-data\n");
    expect(d).not.toContain("zookeeper-0");
    expect(d.match(/kafka-0 /g)).toHaveLength(1);
  });

  it("shows a container's changed files line by line, and names them in the summary", () => {
    const file = (t: string) => [{ file: "/etc/kafka/server.properties", content: `broker.id=1\nnum.io.threads=${t}\n` }, { file: "/etc/kafka/log4j.properties", content: "x" }];
    const st = step("replace", CONTAINER, "kafka-1", { uploads: file("4") }, { uploads: file("5") }, { replaceReasons: ["uploads"], detailedDiff: { uploads: { kind: "update-replace" } } });
    expect(renderDiff([st])).toBe([
      "+- docker:index/container:Container kafka-1 (replace)",
      "    ~ uploads [forces replacement]",
      "        ~ /etc/kafka/server.properties",
      "            - num.io.threads=4",
      "            + num.io.threads=5",
      "",
    ].join("\n"));
    expect(summarize([st], []).restarts).toEqual(["broker kafka-1 (replaced: server.properties changed)"]);
  });

  it("reads Pulumi's property paths", () => {
    expect(pathSegments('config["retention.ms"]')).toEqual(["config", "retention.ms"]);
    expect(pathSegments("ports[0].external")).toEqual(["ports", "0", "external"]);
  });
});
