// Every bad input is reported with its key and value, all problems together, before any
// resource exists. Messages are asserted exactly: they are the user interface.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/issues";
import { parseEstate, type RawEstate } from "../../src/config/parse";

const good = (): RawEstate => ({
  project: "kafka-platform",
  stack: "t",
  config: {
    target: "docker",
    environment: "dev",
    kafka: { version: "3.9.2", brokers: 3, heapMb: 512 },
    zookeeper: { replicas: 3 },
    docker: { bindAddress: "127.0.0.1", firstBrokerPort: 19092 },
  },
  topology: {
    topics: [{ name: "my-topic", partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": 2 } }],
  },
  topologySource: "stacks/t/topology.yaml",
});

function problems(mutate: (r: RawEstate) => void): string[] {
  const raw = good();
  mutate(raw);
  try {
    parseEstate(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}
const topic = (r: RawEstate, i = 0) => (r.topology as { topics: Record<string, unknown>[] }).topics[i];
const topics = (r: RawEstate) => (r.topology as { topics: unknown[] }).topics;
const kafka = (r: RawEstate) => r.config.kafka as Record<string, unknown>;

describe("parseEstate", () => {
  it("parses the dev-like config with defaults filled in", () => {
    const spec = parseEstate(good());
    expect(spec.name).toBe("kp-t");
    expect(spec.kafka).toEqual({
      version: "3.9.2", mode: "zookeeper", brokers: 3, heapMb: 512, image: "kafka-platform/kafka:3.9.2", brokerConfig: {}, rollStepTimeoutSeconds: 600, reassignThrottleBytesPerSecond: 10485760,
    });
    expect(spec.zookeeper).toEqual({ replicas: 3, heapMb: 256 });
    expect(spec.topics).toEqual([
      { name: "my-topic", partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": "2" }, allowDelete: false },
    ]);
  });

  const cases: [string, (r: RawEstate) => void, string[]][] = [
    ["RF > brokers", (r) => { topic(r).replicationFactor = 4; }, ["topic 'my-topic': replicationFactor 4 > brokers 3"]],
    ["min.insync.replicas > RF (3 > 2)", (r) => { topic(r).replicationFactor = 2; topic(r).config = { "min.insync.replicas": 3 }; },
      ["topic 'my-topic': min.insync.replicas 3 > replicationFactor 2: Kafka caps it, so acks=all writes would be acknowledged with 2 copies"]],
    ["RF 1 under the brokers' default min.insync.replicas 2", (r) => { topic(r).replicationFactor = 1; topic(r).config = {}; },
      ["topic 'my-topic': replicationFactor 1 < min.insync.replicas 2 (the brokers' default with 3 brokers): Kafka caps it, so acks=all writes would be " +
        "acknowledged with 1 copy; set config min.insync.replicas: 1 on the topic to say so, or a replicationFactor of at least 2"]],
    ["RF 2 under a declared broker min.insync.replicas 3", (r) => { topic(r).replicationFactor = 2; topic(r).config = {}; kafka(r).brokerConfig = { "min.insync.replicas": 3 }; },
      ["topic 'my-topic': replicationFactor 2 < min.insync.replicas 3 (from kafka-platform:kafka.brokerConfig.min.insync.replicas): Kafka caps it, so acks=all writes would be " +
        "acknowledged with 2 copies; set config min.insync.replicas: 2 on the topic to say so, or a replicationFactor of at least 3"]],
    ["a broker replica count larger than the cluster", (r) => { kafka(r).brokerConfig = { "offsets.topic.replication.factor": 5 }; },
      ["kafka-platform:kafka.brokerConfig.offsets.topic.replication.factor: 5 > brokers 3: consumer groups could not commit offsets (__consumer_offsets cannot be created)"]],
    ["a broker replica count that is not a number", (r) => { kafka(r).brokerConfig = { "min.insync.replicas": "two" }; },
      ["kafka-platform:kafka.brokerConfig.min.insync.replicas: 'two' is not a positive integer"]],
    ["transaction log min ISR above its replication factor", (r) => { kafka(r).brokerConfig = { "transaction.state.log.replication.factor": 2, "transaction.state.log.min.isr": 3 }; },
      ["kafka-platform:kafka.brokerConfig.transaction.state.log.min.isr: 3 > transaction.state.log.replication.factor 2: transactional writes would be refused"]],
    ["compaction lag bounds reversed", (r) => { topic(r).config = { "min.compaction.lag.ms": 5000, "max.compaction.lag.ms": 1000 }; },
      ["topic 'my-topic': min.compaction.lag.ms 5000 > max.compaction.lag.ms 1000"]],
    ["partitions < 1", (r) => { topic(r).partitions = 0; }, ["topic 'my-topic': partitions: 0 is out of range (1–10000)"]],
    ["even ZooKeeper count", (r) => { r.config.zookeeper = { replicas: 4 }; },
      ["kafka-platform:zookeeper.replicas: 4 is even: an ensemble needs a strict majority, use 1, 3 or 5"]],
    ["unknown topic config key", (r) => { topic(r).config = { "retention.msx": 1000 }; }, ["topic 'my-topic': unknown config key 'retention.msx'"]],
    ["bad value type for a known key", (r) => { topic(r).config = { "retention.ms": "a week" }; },
      ["topic 'my-topic': config 'retention.ms' 'a week' is not an integer"]],
    ["bad enum value", (r) => { topic(r).config = { "cleanup.policy": "shred" }; },
      ["topic 'my-topic': config 'cleanup.policy' 'shred' is not delete, compact or compact,delete"]],
    ["duplicate topic", (r) => { topics(r).push({ name: "my-topic", partitions: 1, replicationFactor: 3 }); },
      ["topics[1]: duplicate topic name 'my-topic' (also topics[0])"]],
    ["invalid topic name", (r) => { topic(r).name = "bad name!"; },
      ["topics[0]: invalid topic name 'bad name!' (1–249 of a-z A-Z 0-9 . _ -, not '.' or '..')"]],
    ["internal topic name", (r) => { topic(r).name = "__consumer_offsets"; },
      ["topic '__consumer_offsets': names starting with '__' are reserved for Kafka's internal topics"]],
    ["'.' and '_' collision", (r) => { topics(r).push({ name: "my_topic", partitions: 1, replicationFactor: 1 }); topic(r).name = "my.topic"; },
      ["topic 'my_topic': collides with topic 'my.topic' ('.' and '_' are the same in Kafka metric names)"]],
    ["port collision", (r) => { r.config.docker = { firstBrokerPort: 19092, firstZooKeeperPort: 19093 }; },
      ["kafka-platform:docker.firstZooKeeperPort: 19093 gives zookeeper 0 port 19093, already used by broker 1"]],
    ["ports past 65535", (r) => { r.config.docker = { firstBrokerPort: 65534 }; },
      ["kafka-platform:docker.firstBrokerPort: 65534 + 3 brokers runs past port 65535"]],
    ["brokers 0", (r) => { kafka(r).brokers = 0; }, ["kafka-platform:kafka.brokers: 0 is out of range (1–9)"]],
    ["brokers not a number", (r) => { kafka(r).brokers = "three"; }, ["kafka-platform:kafka.brokers: 'three' is not an integer"]],
    ["Kafka >= 4 with ZooKeeper mode", (r) => { kafka(r).version = "4.0.0"; },
      ["kafka-platform:kafka.version: '4.0.0' has no ZooKeeper mode (it ended with Kafka 3.9.x)"]],
    ["KRaft mode", (r) => { kafka(r).mode = "kraft"; }, ["kafka-platform:kafka.mode: 'kraft' is not supported (only zookeeper)"]],
    ["negative retention", (r) => { topic(r).config = { "retention.ms": -5 }; },
      ["topic 'my-topic': config 'retention.ms' -5 is out of range (-1–9223372036854775807)"]],
    ["ratio out of range", (r) => { topic(r).config = { "min.cleanable.dirty.ratio": 1.5 }; },
      ["topic 'my-topic': config 'min.cleanable.dirty.ratio' 1.5 is out of range (0–1)"]],
    ["unknown stack key", (r) => { r.config.brokerz = 3; },
      ["kafka-platform:brokerz: unknown key (known: target, environment, site, security, kafka, zookeeper, docker, kubernetes, monitoring, mirrorMaker, topology, userPasswords, allowDataLoss)"]],
    ["monitoring problems, each with key and value", (r) => {
      r.config.monitoring = { jmx: "yes", lagExporter: { pollIntervalSeconds: 0 }, alerts: { lagRecords: -5, forSeconds: 2 }, grafana: { image: "" }, extra: 1 };
    }, [
      "kafka-platform:monitoring.extra: unknown key (known: enabled, jmx, lagExporter, prometheus, grafana, alerts)",
      "kafka-platform:monitoring.jmx: 'yes' is not true or false",
      "kafka-platform:monitoring.lagExporter.pollIntervalSeconds: 0 is out of range (1–3600)",
      "kafka-platform:monitoring.grafana.image: '' is not a non-empty string",
      "kafka-platform:monitoring.alerts.lagRecords: -5 is out of range (1–9007199254740991)",
      "kafka-platform:monitoring.alerts.forSeconds: 2 is shorter than one scrape (prometheus.scrapeIntervalSeconds 10): an alert could fire on one sample",
    ]],
    ["a monitoring port taken by a broker", (r) => { r.config.docker = { firstBrokerPort: 19092, prometheusPort: 19093 }; },
      ["kafka-platform:docker.prometheusPort: 19093 is already used by broker 1"]],
    ["unknown nested key", (r) => { kafka(r).replicas = 3; },
      ["kafka-platform:kafka.replicas: unknown key (known: version, mode, brokers, heapMb, image, brokerConfig, rollStepTimeoutSeconds, reassignThrottleBytesPerSecond)"]],
    ["managed broker setting", (r) => { kafka(r).brokerConfig = { "broker.id": 7 }; },
      ["kafka-platform:kafka.brokerConfig.broker.id: is managed by the platform and cannot be set"]],
    ["bad target", (r) => { r.config.target = "aws"; }, ["kafka-platform:target: 'aws' is not docker or kubernetes"]],
    ["bad bind address", (r) => { r.config.docker = { bindAddress: "localhost" }; },
      ["kafka-platform:docker.bindAddress: 'localhost' is not valid (an IPv4 address)"]],
    ["a password for an undeclared user, and a short one", (r) => {
      r.config.environment = "production";
      (r.topology as any).users = [{ name: "app", roles: [{ role: "producer", topic: "my-topic" }] }];
      r.config.userPasswords = { ghost: "long-enough-password", app: "short" };
    }, ["kafka-platform:userPasswords.ghost: is not a declared user (users: app)", "kafka-platform:userPasswords.app: (secret) must be a string of at least 12 characters"]],
    ["bad environment", (r) => { r.config.environment = "prod"; }, ["kafka-platform:environment: 'prod' is not dev, staging or production"]],
    ["renewal window not inside validity", (r) => { r.config.security = { enabled: false, tls: { validityDays: 30, renewBeforeDays: 30 } }; },
      ["kafka-platform:security.tls.renewBeforeDays: 30 >= validityDays 30: every up would renew"]],
    ["users without security", (r) => { (r.topology as any).users = [{ name: "app", roles: [{ role: "producer", topic: "my-topic" }] }]; },
      ["stacks/t/topology.yaml: users: 1 declared, but kafka-platform:security.enabled is false: users and ACLs need security"]],
    ["role on an undeclared topic", (r) => { r.config.security = { enabled: false }; (r.topology as any).users = [{ name: "app", roles: [{ role: "producer", topic: "nope" }] }]; },
      ["stacks/t/topology.yaml: users: 1 declared, but kafka-platform:security.enabled is false: users and ACLs need security",
        "user 'app'.roles[0].topic: 'nope' matches no declared topic"]],
    ["consumer of an undeclared group", (r) => { (r.topology as any).groups = ["g1"]; (r.topology as any).users = [{ name: "app", roles: [{ role: "consumer", topic: "my-*", group: "g2" }] }]; },
      ["stacks/t/topology.yaml: users: 1 declared, but kafka-platform:security.enabled is false: users and ACLs need security",
        "user 'app'.roles[0].group: 'g2' is not a declared group (groups: g1)"]],
    ["the exporter's reserved user, and a monitor role given a topic", (r) => {
      r.config.security = { enabled: true };
      (r.topology as any).users = [{ name: "lag-exporter", roles: [] }, { name: "ops", roles: [{ role: "monitor", topic: "orders" }] }];
    }, [
      "user 'lag-exporter': 'lag-exporter' is made by the platform (the lag exporter's principal); pick another name",
      "user 'ops'.roles[0]: monitor takes no topic or group",
    ]],
    ["the reserved admin user", (r) => { (r.topology as any).users = [{ name: "admin", roles: [] }]; },
      ["stacks/t/topology.yaml: users: 1 declared, but kafka-platform:security.enabled is false: users and ACLs need security",
        "user 'admin': 'admin' is made by the platform (the admin principal); pick another name"]],
    ["topics not a list", (r) => { r.topology = { topics: { name: "x" } }; }, ["stacks/t/topology.yaml: topics: {\"name\":\"x\"} is not a list"]],
    ["unknown topic field", (r) => { topic(r).partition = 3; },
      ["topic 'my-topic'.partition: unknown key (known: name, partitions, replicationFactor, config, allowDelete)"]],
    ["allowDataLoss keys npm run preview never prints", (r) => { r.config.allowDataLoss = ["broker:3", "topic:orders", "volume:kafka-3-data", 7]; },
      ["kafka-platform:allowDataLoss[1]: 'topic:orders' is not broker:N, volume:NAME or topic:NAME:replicationFactor (the keys npm run preview prints)",
        "kafka-platform:allowDataLoss[3]: 7 is not broker:N, volume:NAME or topic:NAME:replicationFactor (the keys npm run preview prints)"]],
  ];
  it.each(cases)("rejects %s", (_name, mutate, want) => {
    expect(problems(mutate)).toEqual(want);
  });

  it("reports every problem together, in one error that names them all", () => {
    const raw = good();
    kafka(raw).brokers = 0;
    raw.config.zookeeper = { replicas: 2 };
    topic(raw).partitions = -1;
    topic(raw).config = { "retention.ms": "soon" };
    expect(() => parseEstate(raw)).toThrowError(ConfigError);
    try {
      parseEstate(raw);
    } catch (e) {
      const err = e as ConfigError;
      expect(err.issues).toEqual([
        "kafka-platform:kafka.brokers: 0 is out of range (1–9)",
        "kafka-platform:zookeeper.replicas: 2 is even: an ensemble needs a strict majority, use 1, 3 or 5",
        "topic 'my-topic': partitions: -1 is out of range (1–10000)",
        "topic 'my-topic': config 'retention.ms' 'soon' is not an integer",
      ]);
      expect(err.message).toBe(
        "invalid configuration (4 problems); nothing was changed:\n" + err.issues.map((i) => `  - ${i}`).join("\n"),
      );
    }
  });

  it("is secure by default outside dev: TLS and SCRAM clients", () => {
    const raw = good();
    raw.config.environment = "staging";
    expect(parseEstate(raw).security).toEqual({ enabled: true, clientAuth: "scram", tls: { validityDays: 365, renewBeforeDays: 30, rotation: 0 } });
    raw.config.environment = "dev";
    expect(parseEstate(raw).security.enabled).toBe(false);
  });

  it("accepts an explicit allowDelete and normalizes config values to Kafka strings", () => {
    const raw = good();
    Object.assign(topic(raw), { allowDelete: true, config: { "cleanup.policy": "compact, delete", preallocate: true, "retention.ms": -1 } });
    expect(parseEstate(raw).topics[0]).toMatchObject({
      allowDelete: true,
      config: { "cleanup.policy": "compact,delete", preallocate: "true", "retention.ms": "-1" },
    });
  });

  it("reads a kubernetes stack's own block, with safe defaults (volumes kept outside dev) and no docker block", () => {
    const raw = good();
    raw.config.target = "kubernetes";
    raw.config.environment = "production";
    delete raw.config.docker;
    raw.config.kubernetes = { external: { type: "LoadBalancer" } };
    expect(parseEstate(raw).target).toEqual({
      kind: "kubernetes",
      namespace: "kp-t",
      storage: { kafkaGi: 10, zookeeperGi: 2, prometheusGi: 5, retainOnDestroy: true, fixPermissions: false },
      external: { type: "LoadBalancer", firstBrokerNodePort: 31092, lagExporterNodePort: 30800, prometheusNodePort: 30909, grafanaNodePort: 30300, annotations: {} },
      zoneLabel: "topology.kubernetes.io/zone",
      imagePullPolicy: "IfNotPresent",
      cpu: { kafka: "500m", zookeeper: "250m", monitoring: "100m" },
    });
    raw.config.environment = "dev";
    raw.config.kubernetes = { external: { host: "127.0.0.1" } };
    const dev = parseEstate(raw).target;
    expect(dev.kind === "kubernetes" && [dev.storage.retainOnDestroy, dev.external.type, dev.external.host]).toEqual([false, "NodePort", "127.0.0.1"]);
  });

  it("rejects every kubernetes problem with key and value, and the other target's block", () => {
    const raw = good();
    raw.config.target = "kubernetes";
    raw.config.kubernetes = {
      namespace: "Kafka_Prod",
      imagePullPolicy: "Sometimes",
      storage: { kafkaGi: 0, retainOnDestroy: "maybe" },
      external: { type: "NodePort", firstBrokerNodePort: 30800, lagExporterNodePort: 30801, prometheusNodePort: 29999 },
      cpu: { kafka: "lots" },
      zones: 3,
    };
    expect(() => parseEstate(raw)).toThrowError(ConfigError);
    try {
      parseEstate(raw);
    } catch (e) {
      expect((e as ConfigError).issues).toEqual([
        "kafka-platform:docker: applies to target docker, and this stack's target is kubernetes",
        "kafka-platform:kubernetes.zones: unknown key (known: kubeconfig, context, namespace, storage, external, zoneLabel, imagePullPolicy, cpu)",
        "kafka-platform:kubernetes.namespace: 'Kafka_Prod' is not valid (a DNS label: lower-case letters, digits and '-', at most 63)",
        "kafka-platform:kubernetes.imagePullPolicy: 'Sometimes' is not IfNotPresent, Always or Never",
        "kafka-platform:kubernetes.storage.kafkaGi: 0 is out of range (1–65536)",
        "kafka-platform:kubernetes.storage.retainOnDestroy: 'maybe' is not true or false",
        "kafka-platform:kubernetes.external.host: is needed with type NodePort: the address clients dial to reach a node (127.0.0.1 on the local cluster)",
        "kafka-platform:kubernetes.external.prometheusNodePort: 29999 is out of range (30000–32767)",
        "kafka-platform:kubernetes.external.lagExporterNodePort: 30801 is already used by broker 1",
        "kafka-platform:kubernetes.cpu.kafka: 'lots' is not valid (a CPU quantity like 500m or 2)",
      ]);
    }
  });
});
