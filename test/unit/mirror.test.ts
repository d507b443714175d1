// Mirror flows: every bad declaration is named with its key and value before anything changes,
// and mm2.properties is rendered deterministically with what dedicated mode needs to keep working
// while the other site is dead.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/issues";
import { parseEstate, type RawEstate } from "../../src/config/parse";
import { mirrorMakerProperties, remoteTopicName, renderMirrorCredentials, renderMirrorMakerProperties, sourceTopicName } from "../../src/model/mirror";
import type { EstateSpec } from "../../src/model/spec";

const raw = (mirrors: unknown, extra: Record<string, unknown> = {}): RawEstate => ({
  project: "kafka-platform",
  stack: "west",
  config: {
    target: "docker", environment: "dev",
    kafka: { brokers: 3, heapMb: 256 }, zookeeper: { replicas: 1 },
    docker: { firstBrokerPort: 19292, siteNetwork: "kp-sites" },
    ...extra,
  },
  topology: { topics: [{ name: "orders", partitions: 6, replicationFactor: 3 }], mirrors },
  topologySource: "stacks/west/topology.yaml",
});

function problems(r: RawEstate): string[] {
  try {
    parseEstate(r);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe("mirror flows in the topology", () => {
  it("parse with defaults: site = stack, prefix policy, every group, exactly-once off", () => {
    const spec = parseEstate(raw([{ from: "east", topics: ["orders", "audit\\..*"] }]));
    expect(spec.site).toBe("west");
    expect(spec.mirror).toEqual({
      heapMb: 256, exactlyOnce: false, flushIntervalMs: 1000, readers: [],
      flows: [{
        source: "east", stack: "east", topics: ["orders", "audit\\..*"], groups: ".*", policy: "prefix",
        intervals: { checkpointSeconds: 5, groupSyncSeconds: 5, refreshSeconds: 30, heartbeatSeconds: 1, offsetLagMax: 100 },
      }],
    });
  });

  it("report every problem with its key and value, together", () => {
    expect(problems(raw([
      { from: "west", topics: ["orders"] },
      { from: "east", topics: [] },
      { from: "east", topics: ["orders"] },
      { from: "north.dc", topics: ["(unclosed"], policy: "mirror", intervals: { checkpointSeconds: 0, bogus: 1 } },
    ]))).toEqual([
      "stacks/west/topology.yaml: mirror from 'west': from: is this site ('west'): a site mirrors from another one",
      "stacks/west/topology.yaml: mirror from 'east': topics: [] is not a non-empty list of topic names or patterns",
      "stacks/west/topology.yaml: mirror from 'east': from: 'east' is already mirrored by mirrors[1]: one flow per source, list its topics together",
      "stacks/west/topology.yaml: mirror from 'north.dc': from: 'north.dc' is not valid (a site alias: letters, digits, '_' and '-')",
      "stacks/west/topology.yaml: mirror from 'north.dc': topics[0]: '(unclosed' is not a regular expression: Invalid regular expression: /^(?:(unclosed)$/: Unterminated group",
      "stacks/west/topology.yaml: mirror from 'north.dc': policy: 'mirror' is not prefix or identity",
      "stacks/west/topology.yaml: mirror from 'north.dc': intervals.bogus: unknown key (known: checkpointSeconds, groupSyncSeconds, refreshSeconds, heartbeatSeconds, offsetLagMax)",
      "stacks/west/topology.yaml: mirror from 'north.dc': intervals.checkpointSeconds: 0 is out of range (1–3600)",
    ]);
  });

  it("refuse a declared topic where MirrorMaker writes, and a stack without the site network", () => {
    const r = raw([{ from: "east", topics: ["orders"] }], { docker: { firstBrokerPort: 19292 } });
    (r.topology as { topics: unknown[] }).topics.push({ name: "east.orders", partitions: 6, replicationFactor: 3 });
    expect(problems(r)).toEqual([
      "stacks/west/topology.yaml: topic 'east.orders': is where MirrorMaker writes 'east's 'orders' (prefix policy): do not declare it",
      "kafka-platform:docker.siteNetwork: is unset, and stacks/west/topology.yaml declares mirrors: set the network that links the sites (e.g. kp-sites)",
    ]);
  });

  it("on a secure site: SCRAM, and groups and identity topics that ACLs can say", () => {
    const secure = { environment: "staging", security: { clientAuth: "mtls" } };
    expect(problems(raw([
      { from: "east", topics: ["orders"], groups: "bill(ing|ed)" },
      { from: "north", topics: ["orders", "audit-[0-9]+"], policy: "identity" },
    ], secure))).toEqual([
      "kafka-platform:security.clientAuth: 'mtls' on a site with mirrors: MirrorMaker authenticates to sites with SCRAM; use scram",
      "stacks/west/topology.yaml: mirror from 'east': groups: 'bill(ing|ed)' on a secure site: ACLs can say only names, name.* and .* (alternatives with |)",
      "stacks/west/topology.yaml: mirror from 'north': topics: 'audit-[0-9]+' with the identity policy on a secure site: ACLs can say only names, name.* and .* (alternatives with |)",
    ]);
    // With the prefix policy any topic pattern is fine here: the principal writes `<source>.*`.
    expect(problems(raw([{ from: "east", topics: ["audit-[0-9]+"] }], { environment: "staging" }))).toEqual([]);
  });
});

describe("mirrorReaders: the sites a secure site lets read it", () => {
  const withReaders = (readers: unknown, extra: Record<string, unknown> = { environment: "staging" }) => {
    const r = raw(undefined, extra);
    (r.topology as Record<string, unknown>).mirrorReaders = readers;
    (r.topology as { topics: unknown[] }).topics.push({ name: "payments", partitions: 3, replicationFactor: 3 });
    return r;
  };

  it("parse: names or prefixes of declared topics; every group unless narrowed", () => {
    expect(parseEstate(withReaders([{ site: "east", topics: ["orders", "pay*"] }, { site: "north", topics: ["*"], groups: ["billing*"] }])).mirror.readers).toEqual([
      { site: "east", topics: [{ name: "orders", pattern: "Literal" }, { name: "pay", pattern: "Prefixed" }], groups: [{ name: "*", pattern: "Literal" }] },
      { site: "north", topics: [{ name: "*", pattern: "Literal" }], groups: [{ name: "billing", pattern: "Prefixed" }] },
    ]);
  });

  it("report every problem with its key and value", () => {
    expect(problems(withReaders([
      { site: "west", topics: ["orders"] },
      { site: "east", topics: ["audit"] },
      { site: "east", topics: ["orders"], groups: [] },
      { site: "north", topics: ["ord.*"], extra: 1 },
    ]))).toEqual([
      "stacks/west/topology.yaml: mirrorReaders: site 'west': site: is this site: its own MirrorMaker has its own principal",
      "stacks/west/topology.yaml: mirrorReaders: site 'east': topics[0]: 'audit' matches no declared topic",
      "stacks/west/topology.yaml: mirrorReaders: site 'east': site: is listed twice: list its topics together",
      "stacks/west/topology.yaml: mirrorReaders: site 'east': groups: [] is not a non-empty list of names or prefix*",
      "stacks/west/topology.yaml: mirrorReaders: site 'north'.extra: unknown key (known: site, topics, groups)",
      "stacks/west/topology.yaml: mirrorReaders: site 'north': topics[0]: 'ord.*' matches no declared topic",
    ]);
    expect(problems(withReaders([{ site: "east", topics: ["orders"] }], { environment: "dev" }))).toEqual([
      "stacks/west/topology.yaml: mirrorReaders: 1 declared, but kafka-platform:security.enabled is false: every site may read this one already (grants need security)",
    ]);
  });

  it("keep the MirrorMakers' principal names for the platform", () => {
    const r = withReaders(undefined);
    (r.topology as Record<string, unknown>).users = [{ name: "mirror-east" }, { name: "mirrormaker" }];
    expect(problems(r)).toEqual([
      "user 'mirror-east': names starting 'mirror-' are made by the platform (the principals of other sites' MirrorMakers (mirrorReaders)); pick another name",
      "user 'mirrormaker': 'mirrormaker' is made by the platform (this site's MirrorMaker principal); pick another name",
    ]);
  });
});

describe("stack config of sites", () => {
  it("name sites and the MirrorMaker's settings in stack config", () => {
    expect(problems(raw(undefined, { site: "we st", mirrorMaker: { heapMb: 64, exactlyOnce: "maybe" } }))).toEqual([
      "kafka-platform:site: 'we st' is not valid (letters, digits, '_' and '-': it prefixes mirrored topic names)",
      "kafka-platform:mirrorMaker.heapMb: 64 is out of range (128–8192)",
      "kafka-platform:mirrorMaker.exactlyOnce: 'maybe' is not true or false",
    ]);
  });
});

describe("mm2.properties", () => {
  const spec = parseEstate(raw([{ from: "east", topics: ["orders"], intervals: { checkpointSeconds: 1, groupSyncSeconds: 1, offsetLagMax: 10 } }], { mirrorMaker: { exactlyOnce: true } })) as EstateSpec;
  const input = {
    spec,
    local: { alias: "west", bootstrapServers: ["kp-west-kafka-0:9091", "kp-west-kafka-1:9091"] },
    sources: [{ flow: spec.mirror.flows[0], cluster: { alias: "east", bootstrapServers: ["kp-east-kafka-0.kp-sites:9094"] } }],
  };
  const props = mirrorMakerProperties(input);

  it("consume the source, produce here, and keep offset syncs here (nothing written to a site that may be dead)", () => {
    expect(props).toMatchObject({
      clusters: "east,west",
      "east.bootstrap.servers": "kp-east-kafka-0.kp-sites:9094",
      "west.bootstrap.servers": "kp-west-kafka-0:9091,kp-west-kafka-1:9091",
      "east->west.enabled": "true",
      "west->east.enabled": "false",
      "east->west.topics": "orders",
      "east->west.groups": ".*",
      "east->west.offset-syncs.topic.location": "target",
      "east->west.replication.policy.class": "org.apache.kafka.connect.mirror.DefaultReplicationPolicy",
      "east->west.emit.checkpoints.interval.seconds": "1",
      "east->west.sync.group.offsets.enabled": "true",
      "east->west.sync.group.offsets.interval.seconds": "1",
      "east->west.offset.lag.max": "10",
      "sync.topic.acls.enabled": "false",
      // Worker settings carry the target's prefix.
      "west.offset.flush.interval.ms": "1000",
      "west.exactly.once.source.support": "enabled",
      "dedicated.mode.enable.internal.rest": "true",
      "checkpoints.topic.replication.factor": "3",
      "offset.storage.replication.factor": "3",
    });
  });

  it("catch up in large batches: the producer writing here and the consumer of each source are sized for a backlog", () => {
    expect(props).toMatchObject({
      "west.producer.batch.size": "262144",
      "west.producer.linger.ms": "5",
      "east.consumer.max.poll.records": "2000",
    });
  });

  it("render the same bytes whatever the order of the flows, with sorted keys", () => {
    const north = { ...spec.mirror.flows[0], source: "north", stack: "north" };
    const a = renderMirrorMakerProperties({ ...input, sources: [...input.sources, { flow: north, cluster: { alias: "north", bootstrapServers: ["n:9094"] } }] });
    const b = renderMirrorMakerProperties({ ...input, sources: [{ flow: north, cluster: { alias: "north", bootstrapServers: ["n:9094"] } }, ...input.sources] });
    expect(a).toBe(b);
    const keys = a.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split("=")[0]);
    expect(keys).toEqual([...keys].sort());
    expect(a).toContain("clusters=east,north,west\n");
  });

  it("leave exactly-once out when it is off, and never render a password (secure clusters read it from a file)", () => {
    const off = mirrorMakerProperties({ ...input, spec: { ...spec, mirror: { ...spec.mirror, exactlyOnce: false } } });
    expect(off["west.exactly.once.source.support"]).toBeUndefined();
    expect(off.listeners).toBeUndefined();
    const secure = renderMirrorMakerProperties({ ...input, sources: [{ ...input.sources[0], cluster: { ...input.sources[0].cluster, secure: true } }] });
    expect(secure).toContain("east.sasl.jaas.config=${file:/etc/kafka/secrets/mm2-credentials.properties:east.sasl.jaas.config}\n");
    expect(secure).not.toMatch(/password/i);
    expect(renderMirrorCredentials({ east: { username: "mm-west", password: "s3cret" } })).toBe(
      'east.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="mm-west" password="s3cret";\n');
  });

  it("name remote topics by policy, and map them back", () => {
    expect(remoteTopicName({ source: "east", policy: "prefix" }, "orders")).toBe("east.orders");
    expect(remoteTopicName({ source: "east", policy: "identity" }, "orders")).toBe("orders");
    expect(sourceTopicName({ source: "east", policy: "prefix" }, "east.orders")).toBe("orders");
    expect(sourceTopicName({ source: "east", policy: "prefix" }, "orders")).toBeUndefined();
  });
});
