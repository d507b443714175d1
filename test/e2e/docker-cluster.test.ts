// Issue 3 end to end on real Docker: up → smoke → no-op up → one topic's config changed →
// only that topic updates → deleting a protected topic is refused → destroy leaves nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaClient } from "../../src/clients/kafka";
import { smoke } from "../../src/smoke/smoke";
import { run, uniqueName } from "../support/exec";
import { TestStack } from "../support/stack";

const stackName = uniqueName("e2e").replace(/-/g, "");
// Host ports away from dev's 19092: e2e must run beside a deployed dev stack.
// Below the kernel's ephemeral range (32768+), where client sockets could already hold the port.
const firstBrokerPort = 21000 + (process.pid % 300) * 10;
const topology = (ordersRetentionMs: number, withScratch = true) => ({
  topics: [
    { name: "orders", partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": 2, "retention.ms": ordersRetentionMs } },
    { name: "audit", partitions: 2, replicationFactor: 2, config: { "cleanup.policy": "compact" } },
    ...(withScratch ? [{ name: "scratch", partitions: 1, replicationFactor: 1 }] : []),
  ],
});

describe("a 3-broker cluster on Docker", () => {
  let s: TestStack;

  beforeAll(() => {
    s = new TestStack(stackName, {
      target: "docker",
      environment: "dev",
      kafka: { brokers: 3, heapMb: 384 },
      zookeeper: { replicas: 3, heapMb: 128 },
      docker: { bindAddress: "127.0.0.1", firstBrokerPort },
    }, topology(604800000));
  });

  afterAll(() => {
    s?.cleanup();
  }, 400_000);

  it("previews the never-deployed stack: the whole cluster and its topics as creates", () => {
    const preview = s.pulumi(["preview", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    const creates = (JSON.parse(preview.stdout).steps as { op: string; urn: string }[])
      .filter((st) => st.op === "create").map((st) => st.urn.split("::").pop());
    expect(creates).toEqual(expect.arrayContaining(["kafka-0", "kafka-2", "zookeeper-2", "topics-orders", "topics-audit", "topics-scratch"]));
    expect(s.leftovers()).toEqual([]);
  }, 300_000);

  it("comes up with its topics in one `pulumi up` and passes the smoke test", async () => {
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const out = s.outputs();
    expect(out.bootstrapServers).toBe([0, 1, 2].map((i) => `127.0.0.1:${firstBrokerPort + i}`).join(","));
    expect(out.brokers).toEqual({ 0: `127.0.0.1:${firstBrokerPort}`, 1: `127.0.0.1:${firstBrokerPort + 1}`, 2: `127.0.0.1:${firstBrokerPort + 2}` });
    expect(out.topics).toEqual(["orders", "audit", "scratch"]);
    const report = await smoke(out, { messages: 300, timeoutMs: 120_000 });
    expect(report.brokers).toBe(3);
    expect(report.roundTrip?.messages).toBe(300);
  }, 600_000);

  it("has nothing to change on a second `pulumi up`", () => {
    const again = s.pulumi(["up", "--yes", "--expect-no-changes", "--skip-preview"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 300_000);

  it("refuses invalid config before touching anything, naming every problem", () => {
    const containers = () => run("docker", ["ps", "-q", "--no-trunc", "--filter", `label=kafka-platform.stack=${stackName}`]).stdout.split("\n").sort();
    const before = containers();
    s.setTopology({ topics: [
      { name: "orders", partitions: 0, replicationFactor: 4, config: { "retention.ms": -7 } },
    ] });
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    const out = up.stdout + up.stderr;
    expect(out).toContain("invalid configuration (3 problems); nothing was changed:");
    expect(out).toContain("topic 'orders': partitions: 0 is out of range (1–10000)");
    expect(out).toContain("topic 'orders': replicationFactor 4 > brokers 3");
    expect(out).toContain("topic 'orders': config 'retention.ms' -7 is out of range (-1–9223372036854775807)");
    expect(containers()).toEqual(before);
    s.setTopology(topology(604800000));
    const same = s.pulumi(["preview", "--expect-no-changes"]);
    expect(same.code, same.stdout + same.stderr).toBe(0);
  }, 300_000);

  it("updates only the topic whose config changed", async () => {
    s.setTopology(topology(3600000));
    const preview = s.pulumi(["preview", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    const changed = (JSON.parse(preview.stdout).steps as { op: string; urn: string }[])
      .filter((st) => st.op !== "same")
      .map((st) => `${st.op} ${st.urn.split("::").pop()}`);
    expect(changed).toEqual(["update topics-orders"]);

    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const admin = kafkaClient({ bootstrapServers: s.outputs().bootstrapServers.split(",") }).admin();
    await admin.connect();
    try {
      const cfg = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: "orders" }] });
      expect(cfg.resources[0].configEntries.find((e) => e.configName === "retention.ms")?.configValue).toBe("3600000");
    } finally {
      await admin.disconnect();
    }
  }, 300_000);

  it("keeps the data on the named volumes when a broker config change replaces the containers", async () => {
    const bootstrapServers = s.outputs().bootstrapServers.split(",");
    const kafka = kafkaClient({ bootstrapServers });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: "audit", acks: -1, messages: [{ key: "marker", value: stackName }] });
    await producer.disconnect();
    const ids = () => run("docker", ["ps", "-q", "--no-trunc", "--filter", `label=kafka-platform.stack=${stackName}`, "--filter", "label=kafka-platform.role=kafka"]).stdout.split("\n").filter(Boolean).sort();
    const before = ids();

    s.setConfig("kafka", { brokers: 3, heapMb: 384, brokerConfig: { "num.io.threads": 4 } });
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const after = ids();
    expect(after).toHaveLength(3);
    expect(after.filter((id) => before.includes(id))).toEqual([]);

    const consumer = kafka.consumer({ groupId: `${stackName}-marker` });
    await consumer.connect();
    await consumer.subscribe({ topics: ["audit"], fromBeginning: true });
    const value = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("marker not found within 60 s")), 60_000);
      void consumer.run({ eachMessage: async ({ message }) => {
        if (message.key?.toString() === "marker") { clearTimeout(timer); resolve(message.value!.toString()); }
      } });
    });
    await consumer.disconnect();
    expect(value).toBe(stackName);

    // Containers on the stack's network use the internal listener: Kafka's own console
    // consumer, in a throwaway container, reads the same marker.
    const out = s.outputs();
    const r = run("docker", [
      "run", "--rm", "--network", `kp-${stackName}`, "--label", `kafka-platform.stack=${stackName}`, process.env.KP_KAFKA_IMAGE ?? "kafka-platform/kafka:3.9.2",
      "class", "org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server", out.internalBootstrapServers!,
      "--topic", "audit", "--from-beginning", "--max-messages", "1", "--timeout-ms", "60000", "--property", "print.key=true",
    ], { timeoutMs: 120_000 });
    expect(r.stdout.trim(), r.stderr).toBe(`marker\t${stackName}`);
  }, 400_000);

  it("refuses to delete a topic that does not allow it, and keeps the topic", async () => {
    s.setTopology(topology(3600000, false));
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toMatch(/protected/);
    const admin = kafkaClient({ bootstrapServers: s.outputs().bootstrapServers.split(",") }).admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain("scratch");
    } finally {
      await admin.disconnect();
    }
    s.setTopology(topology(3600000));
  }, 300_000);

  it("destroys everything it created: no container, network or volume of the stack remains", () => {
    s.pulumi(["state", "unprotect", "--all", "--yes"], 60_000);
    const down = s.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(s.leftovers()).toEqual([]);
  }, 300_000);
});
