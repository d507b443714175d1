// Which changes to the declared topics would lose data, compared with the last deployment:
// removing a topic deletes it; fewer partitions make the kafka provider delete and re-create it
// (Kafka cannot remove partitions). Each is refused unless the topic was deployed with
// allowDelete: true. Another replication factor is not refused: the provider (v0.13.1) moves
// replicas in place with AlterPartitionReassignments, which every Kafka 3.x broker supports.
// Pure: the program feeds it the stack's previous `declaredTopics` output.

export interface LedgerTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Absent in outputs written before the flag was exported: treated as false (protected). */
  allowDelete?: boolean;
}

/** One line per refused change, naming the topic, the change and the opt-in; empty when all is safe. */
export function refusedTopicChanges(previous: LedgerTopic[], next: LedgerTopic[], topology: string): string[] {
  const optIn = (name: string) =>
    `to accept losing its data, first set allowDelete: true on topic '${name}' in ${topology} and run up, then make this change`;
  const out: string[] = [];
  for (const old of previous) {
    if (old.allowDelete === true) continue;
    const now = next.find((t) => t.name === old.name);
    if (!now) {
      out.push(`topic '${old.name}' is no longer declared: removing it would delete the topic and its data; ${optIn(old.name)}`);
      continue;
    }
    if (now.partitions < old.partitions) {
      out.push(`topic '${old.name}': partitions ${old.partitions} → ${now.partitions} would delete and re-create the topic, losing its data; ${optIn(old.name)}`);
    }
  }
  return out;
}

/** The refusal as the user reads it: one header, one line per refused change. */
export function refusalMessage(refused: string[]): string {
  const n = refused.length;
  return `refusing ${n} change${n === 1 ? "" : "s"} that would lose data; nothing was changed:\n${refused.map((r) => `  - ${r}`).join("\n")}`;
}

/**
 * Brokers the declaration no longer has: each takes its volume (its replicas' data) along, so it
 * is refused unless kafka-platform:allowDataLoss lists `broker:N` (the key `npm run preview` prints).
 */
export function refusedBrokerRemovals(previousIds: number[], brokers: number, allowDataLoss: string[]): string[] {
  return previousIds.filter((id) => id >= brokers && !allowDataLoss.includes(`broker:${id}`)).sort((a, b) => a - b).map((id) =>
    `broker ${id} is no longer declared (kafka.brokers ${brokers}): removing it deletes its volume and the replicas on it; ` +
    `move its replicas to the other brokers first, then add "broker:${id}" to kafka-platform:allowDataLoss`);
}
