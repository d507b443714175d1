// The view as Prometheus text, with kafka_exporter's names and labels (so its dashboards work)
// plus time lag and status. Rendered once per poll; scrapes get the cached text.
import { Gauge, Registry } from "prom-client";
import { STATUS_CODES } from "./status";
import type { View } from "./model";

type Labels = Record<string, string | number>;

/** A gauge per metric name, created on first use in this registry. */
function gauges(registry: Registry) {
  const made = new Map<string, Gauge>();
  return (name: string, help: string, labelNames: string[]) => {
    let g = made.get(name);
    if (!g) {
      g = new Gauge({ name, help, labelNames, registers: [registry] });
      made.set(name, g);
    }
    return (labels: Labels, value: number) => g.set(labels, value);
  };
}

export async function renderView(v: View, extra: { certificates?: Record<string, number> } = {}): Promise<string> {
  const registry = new Registry();
  const g = gauges(registry);
  const TP = ["topic", "partition"];
  const GTP = ["consumergroup", "topic", "partition"];

  g("kafka_brokers", "Number of brokers in the cluster's metadata.", [])({}, v.brokers);
  g("kafka_controller", "Broker id of the active controller (-1: none).", [])({}, v.controller ?? -1);
  const partitions = g("kafka_topic_partitions", "Number of partitions of the topic.", ["topic"]);
  const current = g("kafka_topic_partition_current_offset", "Log end offset (high watermark) of the partition.", TP);
  const oldest = g("kafka_topic_partition_oldest_offset", "Log start offset of the partition.", TP);
  const leader = g("kafka_topic_partition_leader", "Broker id of the partition's leader (-1: none).", TP);
  const replicas = g("kafka_topic_partition_replicas", "Number of replicas of the partition.", TP);
  const isr = g("kafka_topic_partition_in_sync_replica", "Number of in-sync replicas of the partition.", TP);
  const urp = g("kafka_topic_partition_under_replicated_partition", "1 when the partition has fewer in-sync replicas than replicas.", TP);
  for (const t of v.topics) {
    partitions({ topic: t.topic }, t.partitions.length);
    for (const p of t.partitions) {
      const l = { topic: t.topic, partition: p.partition };
      if (p.latest !== null) current(l, p.latest);
      if (p.oldest !== null) oldest(l, p.oldest);
      leader(l, p.leader);
      replicas(l, p.replicas);
      isr(l, p.isr);
      urp(l, p.isr < p.replicas ? 1 : 0);
    }
  }

  const members = g("kafka_consumergroup_members", "Members of the consumer group (an Empty group: 0).", ["consumergroup"]);
  const state = g("kafka_consumergroup_state", "1 for the group's current state.", ["consumergroup", "state"]);
  const offset = g("kafka_consumergroup_current_offset", "Committed offset of the group on the partition.", GTP);
  const offsetSum = g("kafka_consumergroup_current_offset_sum", "Sum of the group's committed offsets on the topic.", ["consumergroup", "topic"]);
  const lag = g("kafka_consumergroup_lag", "Records between the group's committed offset and the log end; never negative.", GTP);
  const lagSum = g("kafka_consumergroup_lag_sum", "Sum of the group's lag on the topic.", ["consumergroup", "topic"]);
  const lagSec = g("kafka_consumergroup_lag_seconds", "Age of the oldest record the group has not consumed; 0 when caught up.", GTP);
  const lagSecLower = g("kafka_consumergroup_lag_seconds_lower_bound", "1 when lag_seconds is a lower bound (the committed offset predates the exporter's history).", GTP);
  const lagSecMax = g("kafka_consumergroup_lag_seconds_max", "Largest lag_seconds over the group's partitions.", ["consumergroup"]);
  const uncommitted = g("kafka_consumergroup_uncommitted_partition", "1 for a partition of a topic the group reads on which it has committed nothing (no lag series then).", GTP);
  const pstatus = g("kafka_consumergroup_partition_status", "Burrow status code of the partition: 1 OK, 2 WARN, 4 STOP, 5 STALL, 6 REWIND.", GTP);
  const gstatus = g("kafka_consumergroup_status", "Burrow status code of the group: 1 OK, 2 WARN, 3 ERR, 4 STOP.", ["consumergroup"]);
  for (const grp of v.groups) {
    const cg = grp.group;
    members({ consumergroup: cg }, grp.members);
    state({ consumergroup: cg, state: grp.state }, 1);
    gstatus({ consumergroup: cg }, STATUS_CODES[grp.status]);
    lagSecMax({ consumergroup: cg }, grp.lagSecondsMax);
    const sums = new Map<string, { offset: number; lag: number }>();
    for (const p of grp.partitions) {
      const l = { consumergroup: cg, topic: p.topic, partition: p.partition };
      if (p.committed === undefined) {
        uncommitted(l, 1);
        continue;
      }
      offset(l, p.committed);
      const s = sums.get(p.topic) ?? { offset: 0, lag: 0 };
      s.offset += p.committed;
      if (p.lag !== undefined) {
        lag(l, p.lag);
        lagSec(l, p.lagSeconds ?? 0);
        lagSecLower(l, p.lagSecondsLowerBound ? 1 : 0);
        s.lag += p.lag;
      }
      if (p.status) pstatus(l, STATUS_CODES[p.status]);
      sums.set(p.topic, s);
    }
    for (const [topic, s] of sums) {
      offsetSum({ consumergroup: cg, topic }, s.offset);
      lagSum({ consumergroup: cg, topic }, s.lag);
    }
  }

  if (extra.certificates) {
    const cert = g("kafka_platform_certificate_expiry_timestamp_seconds", "When the stack's certificate expires (Unix time).", ["certificate"]);
    for (const [name, at] of Object.entries(extra.certificates)) cert({ certificate: name }, at);
  }
  return registry.metrics();
}
