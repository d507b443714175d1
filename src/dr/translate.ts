// What failover and failback commit for a group, per partition: pure, so the rules are tested
// without a cluster. The rule is MirrorMaker's own: a checkpoint's downstream offset is never
// ahead of what the group consumed at the source, so committing it may re-read, never skip.
// An offset the group already committed here beyond it (it consumed here) is kept.

export interface CheckpointLike {
  group: string;
  /** The topic on this site (the remote name, e.g. east.orders). */
  topic: string;
  partition: number;
  /** The group's committed offset at the source. */
  upstreamOffset: number;
  /** Its translation on this site. */
  downstreamOffset: number;
}

export interface PartitionPlan {
  topic: string;
  partition: number;
  upstream: number;
  translated: number;
  /** What the group has committed here now, if anything. */
  current?: number;
  /** commit: set to `translated`; kept: already at or past it (nothing to do). */
  action: "commit" | "kept";
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export function failoverPlan(checkpoints: CheckpointLike[], committedHere: { topic: string; partition: number; offset: number }[]): PartitionPlan[] {
  const here = new Map(committedHere.map((c) => [key(c.topic, c.partition), c.offset]));
  return [...checkpoints]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map((c) => {
      const current = here.get(key(c.topic, c.partition));
      const action = current !== undefined && current >= c.downstreamOffset ? "kept" as const : "commit" as const;
      return { topic: c.topic, partition: c.partition, upstream: c.upstreamOffset, translated: c.downstreamOffset, ...(current !== undefined ? { current } : {}), action };
    });
}

/**
 * Failback waits for the last checkpoints: every partition the group committed at the source
 * (`remote`: on the source's topic names, translated to this site's names by `toLocal`) must have
 * a checkpoint here for exactly that offset. Returns what is still missing, in words.
 */
export function missingCheckpoints(
  remoteCommitted: { topic: string; partition: number; offset: number }[],
  checkpoints: CheckpointLike[],
  toLocal: (topic: string) => string | undefined,
): string[] {
  const cp = new Map(checkpoints.map((c) => [key(c.topic, c.partition), c.upstreamOffset]));
  const missing: string[] = [];
  for (const r of remoteCommitted) {
    const local = toLocal(r.topic);
    if (local === undefined) continue; // not a mirrored topic
    const seen = cp.get(key(local, r.partition));
    if (seen !== r.offset) missing.push(`${local}[${r.partition}] checkpoint ${seen ?? "none"}, committed ${r.offset}`);
  }
  return missing;
}

/** The plan as a person reads it: one line per partition. */
export function describePlan(plan: PartitionPlan[]): string[] {
  return plan.map((p) => p.action === "commit"
    ? `  ${p.topic}[${p.partition}]: committed ${p.translated} (source offset ${p.upstream}${p.current !== undefined ? `; was ${p.current}` : ""})`
    : `  ${p.topic}[${p.partition}]: kept ${p.current} (translation ${p.translated} of source offset ${p.upstream} is not ahead of it)`);
}
