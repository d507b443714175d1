// Replication settings that would go wrong later, at the broker, checked now. A topic whose
// effective min.insync.replicas (its own, else the brokers') exceeds its replication factor does
// not get that durability: Kafka 3.x caps min.insync.replicas at the replication factor, so
// acks=all writes are acknowledged with fewer copies than declared, silently (measured on 3.9.2:
// RF 1 under the brokers' 2 takes acks=all writes). A broker default larger than the cluster
// makes Kafka's own topics impossible. Pure; problems go to the shared list with key and value.
import { brokerDefaults } from "../model/broker";
import type { KafkaSpec, TopicSpec } from "../model/spec";
import { Issues, NS } from "./issues";

/** Broker settings with a replica count in them, and what breaks when one is too large. */
const REPLICA_COUNTS: Record<string, string> = {
  "default.replication.factor": "topics created without a replication factor would fail",
  "min.insync.replicas": "no topic could have that many in-sync copies",
  "offsets.topic.replication.factor": "consumer groups could not commit offsets (__consumer_offsets cannot be created)",
  "transaction.state.log.replication.factor": "transactions could not start (__transaction_state cannot be created)",
  "transaction.state.log.min.isr": "transactional writes would be refused",
};

export function checkReplication(issues: Issues, kafka: KafkaSpec, topics: TopicSpec[]): void {
  const w = `${NS}:kafka.brokerConfig`;
  const effective: Record<string, number> = {};
  const defaults = brokerDefaults(kafka.brokers);
  let ok = true;
  for (const key of Object.keys(REPLICA_COUNTS)) {
    const declared = kafka.brokerConfig[key];
    if (declared !== undefined && !/^[1-9]\d*$/.test(declared)) {
      issues.add(`${w}.${key}`, `'${declared}' is not a positive integer`);
      ok = false;
      continue;
    }
    effective[key] = Number(declared ?? defaults[key]);
    if (declared !== undefined && effective[key] > kafka.brokers) {
      issues.add(`${w}.${key}`, `${declared} > brokers ${kafka.brokers}: ${REPLICA_COUNTS[key]}`);
      ok = false;
    }
  }
  const txMinIsr = kafka.brokerConfig["transaction.state.log.min.isr"];
  if (ok && txMinIsr !== undefined && effective["transaction.state.log.min.isr"] > effective["transaction.state.log.replication.factor"]) {
    issues.add(`${w}.transaction.state.log.min.isr`, `${txMinIsr} > transaction.state.log.replication.factor ${effective["transaction.state.log.replication.factor"]}: ${REPLICA_COUNTS["transaction.state.log.min.isr"]}`);
  }
  if (!ok) return;
  const brokerMinIsr = effective["min.insync.replicas"];
  const fromBrokers = kafka.brokerConfig["min.insync.replicas"] !== undefined
    ? `from ${w}.min.insync.replicas` : `the brokers' default with ${kafka.brokers} broker${kafka.brokers === 1 ? "" : "s"}`;
  for (const t of topics) {
    const own = t.config["min.insync.replicas"];
    const minIsr = Number(own ?? brokerMinIsr);
    if (minIsr <= t.replicationFactor) continue;
    const copies = `${t.replicationFactor} cop${t.replicationFactor === 1 ? "y" : "ies"}`;
    issues.add(`topic '${t.name}'`, own !== undefined
      ? `min.insync.replicas ${own} > replicationFactor ${t.replicationFactor}: Kafka caps it, so acks=all writes would be acknowledged with ${copies}`
      : `replicationFactor ${t.replicationFactor} < min.insync.replicas ${minIsr} (${fromBrokers}): Kafka caps it, so acks=all writes would be ` +
        `acknowledged with ${copies}; set config min.insync.replicas: ${t.replicationFactor} on the topic to say so, or a replicationFactor of at least ${minIsr}`);
  }
  // Kafka refuses a topic whose compaction may not start before it must have finished.
  for (const t of topics) {
    const min = t.config["min.compaction.lag.ms"];
    const max = t.config["max.compaction.lag.ms"];
    if (min !== undefined && max !== undefined && BigInt(min) > BigInt(max)) {
      issues.add(`topic '${t.name}'`, `min.compaction.lag.ms ${min} > max.compaction.lag.ms ${max}`);
    }
  }
}
