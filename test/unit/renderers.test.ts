// Renderers are pure and deterministic: same spec, same bytes (an unchanged config must not
// restart a broker), keys sorted, managed keys not overridable.
import { describe, expect, it } from "vitest";
import { brokerProperties, renderServerProperties, standardListeners } from "../../src/model/broker";
import { renderProperties } from "../../src/model/properties";
import { renderZooCfg, zookeeperConnect } from "../../src/model/zookeeper";

const spec = {
  name: "kp-t",
  zookeeper: { replicas: 3, heapMb: 256 },
  kafka: { version: "3.9.2", mode: "zookeeper" as const, brokers: 3, heapMb: 512, image: "img", brokerConfig: {} as Record<string, string>, rollStepTimeoutSeconds: 600, reassignThrottleBytesPerSecond: 10485760 },
};

describe("zoo.cfg", () => {
  it("renders a 3-node ensemble exactly", () => {
    expect(renderZooCfg(spec)).toBe(
      [
        "# ZooKeeper ensemble kp-t (3 nodes)",
        "# Rendered by kafka-platform; changes here are overwritten.",
        "4lw.commands.whitelist=ruok,srvr,mntr",
        "admin.enableServer=false",
        "autopurge.purgeInterval=24",
        "autopurge.snapRetainCount=3",
        "clientPort=2181",
        "dataDir=/var/lib/zookeeper/data",
        "initLimit=10",
        "quorumListenOnAllIPs=true",
        "reconfigEnabled=false",
        "server.1=kp-t-zookeeper-0:2888:3888;2181",
        "server.2=kp-t-zookeeper-1:2888:3888;2181",
        "server.3=kp-t-zookeeper-2:2888:3888;2181",
        "syncLimit=5",
        "tickTime=2000",
        "",
      ].join("\n"),
    );
  });

  it("has no server lines for a single node (standalone)", () => {
    expect(renderZooCfg({ ...spec, zookeeper: { replicas: 1, heapMb: 256 } })).not.toMatch(/^server\./m);
    expect(zookeeperConnect({ ...spec, zookeeper: { replicas: 1, heapMb: 256 } })).toBe("kp-t-zookeeper-0:2181");
  });
});

describe("server.properties", () => {
  const listeners = standardListeners("kp-t-kafka-1", "127.0.0.1:19093");

  it("renders broker 1 exactly", () => {
    expect(renderServerProperties(spec, 1, listeners)).toBe(
      [
        "# Kafka 3.9.2 broker 1 of kp-t",
        "# Rendered by kafka-platform; changes here are overwritten.",
        "advertised.listeners=INTERNAL://kp-t-kafka-1:9091,EXTERNAL://127.0.0.1:19093",
        "auto.create.topics.enable=false",
        "broker.id=1",
        "controlled.shutdown.enable=true",
        "default.replication.factor=3",
        "group.initial.rebalance.delay.ms=3000",
        "inter.broker.listener.name=INTERNAL",
        "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
        "listeners=INTERNAL://0.0.0.0:9091,EXTERNAL://0.0.0.0:9092",
        "log.dirs=/var/lib/kafka/data",
        "min.insync.replicas=2",
        "num.partitions=1",
        "offsets.topic.replication.factor=3",
        "transaction.state.log.min.isr=2",
        "transaction.state.log.replication.factor=3",
        "zookeeper.connect=kp-t-zookeeper-0:2181,kp-t-zookeeper-1:2181,kp-t-zookeeper-2:2181",
        "zookeeper.connection.timeout.ms=30000",
        "zookeeper.session.timeout.ms=18000",
        "",
      ].join("\n"),
    );
  });

  it("sizes internal topics' replication to a 1-broker cluster", () => {
    const p = brokerProperties({ ...spec, kafka: { ...spec.kafka, brokers: 1 } }, 0, listeners);
    expect(p["offsets.topic.replication.factor"]).toBe("1");
    expect(p["min.insync.replicas"]).toBe("1");
    expect(p["transaction.state.log.min.isr"]).toBe("1");
  });

  it("lets brokerConfig override defaults but never the managed keys", () => {
    const p = brokerProperties({ ...spec, kafka: { ...spec.kafka, brokerConfig: { "num.partitions": "6", "log.dirs": "/x" } } }, 0, listeners);
    expect(p["num.partitions"]).toBe("6");
    expect(p["log.dirs"]).toBe("/var/lib/kafka/data");
  });

  it("is deterministic whatever order the brokerConfig keys come in", () => {
    const a = { ...spec, kafka: { ...spec.kafka, brokerConfig: { "log.retention.hours": "24", "num.io.threads": "4" } } };
    const b = { ...spec, kafka: { ...spec.kafka, brokerConfig: { "num.io.threads": "4", "log.retention.hours": "24" } } };
    expect(renderServerProperties(a, 0, listeners)).toBe(renderServerProperties(b, 0, listeners));
  });
});

describe("renderProperties", () => {
  it("escapes separators in keys and newlines in values", () => {
    expect(renderProperties({ "a b": "x\ny", "k=v": " lead" }, "h")).toBe(
      "# h\n# Rendered by kafka-platform; changes here are overwritten.\na\\ b=x\\ny\nk\\=v=\\ lead\n",
    );
  });
});
