// Which changes to the declared topics would lose data, compared with the last deployment:
// removing a topic deletes it; fewer partitions or another replication factor make the kafka
// provider delete and re-create it. Each is refused unless the topic was deployed with
// allowDelete: true. Pure: the program feeds it the stack's previous `declaredTopics` output.

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
    const changes: string[] = [];
    if (now.partitions < old.partitions) changes.push(`partitions ${old.partitions} → ${now.partitions}`);
    if (now.replicationFactor !== old.replicationFactor) changes.push(`replicationFactor ${old.replicationFactor} → ${now.replicationFactor}`);
    if (changes.length) {
      out.push(`topic '${old.name}': ${changes.join(", ")} would delete and re-create the topic, losing its data; ${optIn(old.name)}`);
    }
  }
  return out;
}
