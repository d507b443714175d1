// The program's resource graph under Pulumi mocks: what is created, with which names,
// ports, volumes, files and options. Real deployments are proven in test/e2e.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/exec";
import * as fs from "node:fs";
import { registeredUrns, runProgramUnderMocks, type Created } from "../support/mock-program";

let created: Created[] = [];

beforeAll(async () => {
  created = await runProgramUnderMocks({
    target: "docker",
    environment: "dev",
    kafka: { brokers: 3, heapMb: 384 },
    zookeeper: { replicas: 3 },
    docker: { firstBrokerPort: 29092 },
    // Absolute: under mocks the project root is a placeholder.
    topology: path.join(repoRoot, "test/fixtures/unit/topology.yaml"),
  }, (type, inputs) => (type === "docker:index/remoteImage:RemoteImage" ? { imageId: `sha256:${inputs.name}` } : {}));
});

const ofType = (t: string) => created.filter((c) => c.type === t);

describe("the docker program", () => {
  // A resource's URN is its identity in state: a rename without an alias replaces it (a broker,
  // its volume, a topic and its data). Renames must show up here, and ship with aliases.
  it("registers exactly the golden list of URNs (UPDATE_GOLDEN=1 rewrites it after a reviewed rename)", () => {
    const file = path.join(__dirname, "golden/program-dev.urns");
    const urns = registeredUrns();
    if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, `${urns.join("\n")}\n`);
    expect(urns).toEqual(fs.readFileSync(file, "utf8").trim().split("\n"));
  });

  it("creates one network, 8 containers and 7 volumes named from the stack: the lag exporter keeps nothing", () => {
    expect(ofType("docker:index/network:Network").map((n) => n.inputs.name)).toEqual(["kp-unit"]);
    expect(ofType("docker:index/container:Container").map((c) => c.inputs.name).sort()).toEqual([
      "kp-unit-kafka-0", "kp-unit-kafka-1", "kp-unit-kafka-2", "kp-unit-lag-exporter-0", "kp-unit-prometheus-0",
      "kp-unit-zookeeper-0", "kp-unit-zookeeper-1", "kp-unit-zookeeper-2",
    ]);
    expect(ofType("docker:index/volume:Volume").map((v) => v.inputs.name).sort()).toEqual([
      "kp-unit-kafka-0-data", "kp-unit-kafka-1-data", "kp-unit-kafka-2-data", "kp-unit-prometheus-0-data",
      "kp-unit-zookeeper-0-data", "kp-unit-zookeeper-1-data", "kp-unit-zookeeper-2-data",
    ]);
  });

  it("runs the lag exporter with its rendered config after the cluster, and Prometheus with the stack's scrape config and rules", () => {
    const byName = (n: string) => ofType("docker:index/container:Container").find((c) => c.inputs.name === n)!;
    const exporter = byName("kp-unit-lag-exporter-0");
    const config = JSON.parse(exporter.inputs.uploads.find((u: any) => u.file === "/etc/lag-exporter/config.json").content);
    expect(config).toEqual({ bootstrapServers: ["kp-unit-kafka-0:9091", "kp-unit-kafka-1:9091", "kp-unit-kafka-2:9091"], pollIntervalSeconds: 5, windowSize: 10, port: 8000 });
    expect(exporter.inputs.volumes).toEqual([]);
    expect(exporter.inputs.healthcheck.tests).toEqual(["CMD", "node", "/opt/lag-exporter/lag-exporter.js", "--probe", "http://127.0.0.1:8000/ready"]);
    const prometheus = byName("kp-unit-prometheus-0");
    expect(prometheus.inputs.uploads.map((u: any) => u.file)).toEqual(["/etc/prometheus/prometheus.yml", "/etc/prometheus/alerts.yml"]);
    expect(prometheus.inputs.uploads[0].content).toContain("kp-unit-kafka-2:7071");
    expect(prometheus.inputs.volumes).toEqual([{ volumeName: "kp-unit-prometheus-0-data", containerPath: "/var/lib/prometheus" }]);
  });

  it("publishes each broker's external listener on 127.0.0.1 with its own port, the exporter and Prometheus, and no ZooKeeper port", () => {
    const ports = Object.fromEntries(
      ofType("docker:index/container:Container").map((c) => [c.inputs.name, (c.inputs.ports ?? []).map((p: any) => `${p.ip}:${p.external}->${p.internal}`)]),
    );
    expect(ports).toEqual({
      "kp-unit-kafka-0": ["127.0.0.1:29092->9092"],
      "kp-unit-kafka-1": ["127.0.0.1:29093->9092"],
      "kp-unit-kafka-2": ["127.0.0.1:29094->9092"],
      "kp-unit-zookeeper-0": [], "kp-unit-zookeeper-1": [], "kp-unit-zookeeper-2": [],
      "kp-unit-lag-exporter-0": ["127.0.0.1:8000->8000"], "kp-unit-prometheus-0": ["127.0.0.1:9090->9090"],
    });
  });

  it("gives every broker its rendered server.properties, a data volume, a healthcheck, a restart policy, a sized heap and the JMX agent's port", () => {
    const b1 = ofType("docker:index/container:Container").find((c) => c.inputs.name === "kp-unit-kafka-1")!;
    const props = b1.inputs.uploads[0];
    expect(props.file).toBe("/etc/kafka/server.properties");
    expect(props.content).toContain("broker.id=1\n");
    expect(props.content).toContain("advertised.listeners=INTERNAL://kp-unit-kafka-1:9091,EXTERNAL://127.0.0.1:29093\n");
    expect(b1.inputs.volumes).toEqual([{ volumeName: "kp-unit-kafka-1-data", containerPath: "/var/lib/kafka" }]);
    expect(b1.inputs.healthcheck.tests).toEqual(["CMD", "kafka-health", "broker", "9091"]);
    expect(b1.inputs.restart).toBe("unless-stopped");
    expect(b1.inputs.wait).toBe(true);
    expect(b1.inputs.destroyGraceSeconds).toBe(120); // SIGTERM, controlled shutdown; not the provider's SIGKILL
    expect(b1.inputs.envs).toEqual(["KAFKA_HEAP_OPTS=-Xms384m -Xmx384m", "KAFKA_METRICS_PORT=7071"]);
    expect(b1.inputs.memory).toBe(384 + 384);
    expect(b1.inputs.memorySwap).toBe(384 + 384);
    expect(b1.inputs.networksAdvanced).toEqual([{ name: "kp-unit", aliases: ["kp-unit-kafka-1"] }]);
  });

  it("rolls brokers one at a time: after each broker, a gate waits for it to be back in sync, over the brokers made so far", () => {
    const gates = ofType("pulumi-nodejs:dynamic:Resource").filter((r) => r.name.endsWith("-in-sync"));
    expect(gates.map((g) => ({ name: g.name, brokerId: g.inputs.brokerId, after: g.inputs.after, brokers: g.inputs.brokers }))).toEqual([
      { name: "kafka-0-in-sync", brokerId: 0, after: "kafka-0-id", brokers: ["127.0.0.1:29092"] },
      { name: "kafka-1-in-sync", brokerId: 1, after: "kafka-1-id", brokers: ["127.0.0.1:29092", "127.0.0.1:29093"] },
      { name: "kafka-2-in-sync", brokerId: 2, after: "kafka-2-id", brokers: ["127.0.0.1:29092", "127.0.0.1:29093", "127.0.0.1:29094"] },
    ]);
    // Plaintext dev stack: no credentials to carry.
    for (const g of gates) expect(g.inputs.identity).toBeUndefined();
  });

  it("guards each broker before a roll takes it down: a digest of its declared spec, over the brokers the last deployment ran (none on a first deploy)", () => {
    const guards = ofType("pulumi-nodejs:dynamic:Resource").filter((r) => r.name.endsWith("-can-roll"));
    expect(guards.map((g) => ({ name: g.name, brokerId: g.inputs.brokerId, brokers: g.inputs.brokers, timeoutSeconds: g.inputs.timeoutSeconds }))).toEqual([0, 1, 2].map((id) => (
      { name: `kafka-${id}-can-roll`, brokerId: id, brokers: [], timeoutSeconds: 600 })));
    // One digest per broker: each renders its own server.properties.
    expect(new Set(guards.map((g) => g.inputs.spec)).size).toBe(3);
    for (const g of guards) expect(g.inputs.spec).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives each ZooKeeper member its id", () => {
    const zk = ofType("docker:index/container:Container").filter((c) => c.inputs.name.includes("zookeeper"));
    expect(zk.map((c) => c.inputs.envs.find((e: string) => e.startsWith("ZOO_MY_ID="))).sort()).toEqual(["ZOO_MY_ID=1", "ZOO_MY_ID=2", "ZOO_MY_ID=3"]);
  });

  it("creates the declared topics through an explicit kafka provider bound to the brokers' host addresses", () => {
    const [provider] = ofType("pulumi:providers:kafka");
    expect(JSON.parse(provider.inputs.bootstrapServers)).toEqual(["127.0.0.1:29092", "127.0.0.1:29093", "127.0.0.1:29094"]);
    const topics = ofType("kafka:index/topic:Topic");
    expect(topics.map((t) => t.inputs).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "orders", partitions: 6, replicationFactor: 3, config: { "min.insync.replicas": "2", "retention.ms": "604800000" } },
      { name: "scratch", partitions: 1, replicationFactor: 1, config: { "min.insync.replicas": "1" } },
    ]);
    for (const t of topics) expect(t.provider).toMatch(/^urn:pulumi:unit::kafka-platform::.*pulumi:providers:kafka::kafka-admin::/);
  });
});
