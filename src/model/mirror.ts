// MirrorMaker 2 in dedicated mode, one per site, started with `--clusters <site>`: it consumes
// from each source site and produces only to its own cluster, so it starts and keeps running
// while another site is dead (it never needs to write there: offset syncs live on the target).
// Pure and deterministic (sorted keys): an unchanged estate never restarts its MirrorMaker.
import type { EstateSpec, MirrorFlowSpec } from "./spec";
import { MIRROR_FILES, PORTS } from "./layout";
import { renderProperties } from "./properties";

const POLICY_CLASS = {
  prefix: "org.apache.kafka.connect.mirror.DefaultReplicationPolicy",
  identity: "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
} as const;

/** The name a source topic gets on this site. */
export function remoteTopicName(flow: Pick<MirrorFlowSpec, "source" | "policy">, topic: string): string {
  return flow.policy === "prefix" ? `${flow.source}.${topic}` : topic;
}

/** The source topic a topic of this site mirrors, or undefined when it is not a mirror of `source`. */
export function sourceTopicName(flow: Pick<MirrorFlowSpec, "source" | "policy">, topic: string): string | undefined {
  if (flow.policy === "identity") return topic;
  return topic.startsWith(`${flow.source}.`) ? topic.slice(flow.source.length + 1) : undefined;
}

/** MirrorMaker's topics on this (the target) site for one flow. */
export function mirrorInternalTopics(source: string) {
  return {
    checkpoints: `${source}.checkpoints.internal`,
    offsetSyncs: `mm2-offset-syncs.${source}.internal`,
    offsets: `mm2-offsets.${source}.internal`,
    configs: `mm2-configs.${source}.internal`,
    status: `mm2-status.${source}.internal`,
    heartbeats: "heartbeats",
  };
}

/** How MirrorMaker reaches one cluster: its bootstrap and, on a secure site, TLS and SCRAM. */
export interface MirrorCluster {
  alias: string;
  bootstrapServers: string[];
  /** Secure clusters: the credentials are read from the mounted secret file, never rendered here. */
  secure?: boolean;
}

export interface MirrorRenderInput {
  spec: Pick<EstateSpec, "site" | "mirror" | "kafka">;
  local: MirrorCluster;
  /** The flows whose source site is deployed, each with how to reach it. */
  sources: { flow: MirrorFlowSpec; cluster: MirrorCluster }[];
}

function clusterProps(c: MirrorCluster): Record<string, string> {
  const p: Record<string, string> = { [`${c.alias}.bootstrap.servers`]: c.bootstrapServers.join(",") };
  if (c.secure) {
    p[`${c.alias}.security.protocol`] = "SASL_SSL";
    p[`${c.alias}.sasl.mechanism`] = "SCRAM-SHA-512";
    // The password stays in a mounted secret file; Kafka's FileConfigProvider reads it at start.
    p[`${c.alias}.sasl.jaas.config`] = `\${file:${MIRROR_FILES.credentials}:${c.alias}.sasl.jaas.config}`;
    p[`${c.alias}.ssl.truststore.type`] = "PEM";
    p[`${c.alias}.ssl.truststore.location`] = MIRROR_FILES.trust(c.alias);
    p[`${c.alias}.ssl.endpoint.identification.algorithm`] = "https";
  }
  return p;
}

export function mirrorMakerProperties(input: MirrorRenderInput): Record<string, string> {
  const { spec, local, sources } = input;
  const rf = String(Math.min(3, spec.kafka.brokers));
  const site = spec.site;
  const p: Record<string, string> = {
    clusters: [site, ...sources.map((s) => s.cluster.alias)].sort().join(","),
    ...clusterProps(local),
    // MirrorMaker's own topics on this site, replicated like any other topic here.
    "replication.factor": rf,
    "checkpoints.topic.replication.factor": rf,
    "heartbeats.topic.replication.factor": rf,
    "offset-syncs.topic.replication.factor": rf,
    "offset.storage.replication.factor": rf,
    "status.storage.replication.factor": rf,
    "config.storage.replication.factor": rf,
    // ACLs are declared per site, from its own topology: never copied across.
    "sync.topic.acls.enabled": "false",
    // Each source's metrics carry its alias (3.9 leaves it out by default).
    "add.source.alias.to.metrics": "true",
    "tasks.max": "1",
    // Worker settings of the herders that write here need the target's prefix (MirrorMakerConfig.workerConfig).
    [`${site}.offset.flush.interval.ms`]: String(spec.mirror.flushIntervalMs),
    // Catching up after an outage. Connect's producer keeps one request in flight per broker, so
    // 16 KB batches (Kafka's default) capped the drain near the produce rate (1.56x measured);
    // 256 KB batches, a 5 ms linger and 2,000 records per poll drained several times faster.
    [`${site}.producer.batch.size`]: String(256 * 1024),
    [`${site}.producer.linger.ms`]: "5",
  };
  if (sources.some((s) => s.cluster.secure) || local.secure) {
    p["config.providers"] = "file";
    p["config.providers.file.class"] = "org.apache.kafka.common.config.provider.FileConfigProvider";
  }
  if (spec.mirror.exactlyOnce) {
    p[`${site}.exactly.once.source.support`] = "enabled";
    // Exactly-once source needs the internal REST server in dedicated mode (KIP-710).
    p["dedicated.mode.enable.internal.rest"] = "true";
    p.listeners = `http://0.0.0.0:${PORTS.mirrorMakerRest}`;
  }
  for (const { flow, cluster } of [...sources].sort((a, b) => a.flow.source.localeCompare(b.flow.source))) {
    Object.assign(p, clusterProps(cluster));
    const f = `${flow.source}->${site}`;
    const i = flow.intervals;
    Object.assign(p, {
      [`${f}.enabled`]: "true",
      [`${f}.topics`]: flow.topics.join(","),
      [`${f}.groups`]: flow.groups,
      [`${f}.replication.policy.class`]: POLICY_CLASS[flow.policy],
      [`${f}.emit.checkpoints.enabled`]: "true",
      [`${f}.emit.checkpoints.interval.seconds`]: String(i.checkpointSeconds),
      [`${f}.sync.group.offsets.enabled`]: "true",
      [`${f}.sync.group.offsets.interval.seconds`]: String(i.groupSyncSeconds),
      [`${f}.refresh.topics.interval.seconds`]: String(i.refreshSeconds),
      [`${f}.refresh.groups.interval.seconds`]: String(i.refreshSeconds),
      [`${f}.emit.heartbeats.enabled`]: "true",
      [`${f}.emit.heartbeats.interval.seconds`]: String(i.heartbeatSeconds),
      [`${f}.offset.lag.max`]: String(i.offsetLagMax),
      [`${flow.source}.consumer.max.poll.records`]: "2000",
      // Offset syncs on this site: MirrorMaker writes only here, and a dead source loses none.
      [`${f}.offset-syncs.topic.location`]: "target",
      // The reverse direction is another site's MirrorMaker (its --clusters): never this one's.
      [`${site}->${flow.source}.enabled`]: "false",
    });
  }
  return p;
}

export function renderMirrorMakerProperties(input: MirrorRenderInput): string {
  return renderProperties(mirrorMakerProperties(input), `MirrorMaker 2 of site ${input.spec.site} (dedicated mode, --clusters ${input.spec.site})`);
}

/** The credentials file (secret): one JAAS line per secure cluster alias. */
export function renderMirrorCredentials(credentials: Record<string, { username: string; password: string }>): string {
  const q = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return Object.keys(credentials).sort().map((alias) =>
    `${alias}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${q(credentials[alias].username)}" password="${q(credentials[alias].password)}";`,
  ).join("\n") + "\n";
}
