// `dr status`: per flow into this site — is its MirrorMaker alive (its heartbeats here), is the
// source reachable, how far behind are the mirrored topics (record timestamps: MirrorMaker keeps
// each record's CreateTime), the last checkpoint per group, and source topics missing here.
import { ClusterClient, withClient } from "../clients/cluster";
import { readHeartbeats, readTopicTail, readTopicToEnd } from "../clients/mirror-reader";
import { within } from "../clients/wait";
import { decodeCheckpoint } from "../model/mm2-records";
import { mirrorInternalTopics } from "../model/mirror";
import { READ_TIMEOUT_MS } from "./failover";
import { mirroredName, orEmpty, type Site, type SourceLink } from "./sites";

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface FlowStatus {
  source: string;
  mirrorMakerAlive: boolean;
  lastHeartbeatAgeMs?: number;
  sourceReachable: boolean;
  /** Per mirrored topic: how much older the newest record here is than the newest at the source (0: caught up). */
  behindMs: Record<string, number>;
  missingTopics: string[];
  /** Per group: age of its newest checkpoint here, and its partitions. */
  checkpoints: Record<string, { ageMs: number; partitions: number }>;
  healthy: boolean;
}

async function newestByPartition(site: Site, topic: string): Promise<Map<number, number>> {
  const newest = new Map<number, number>();
  for (const r of await orEmpty(readTopicTail(site.options, topic, 8, READ_TIMEOUT_MS))) newest.set(r.partition, Math.max(newest.get(r.partition) ?? 0, Number(r.timestamp)));
  return newest;
}

export async function flowStatus(here: Site, link: SourceLink, now = Date.now()): Promise<FlowStatus> {
  const f = link.flow;
  const beat = (await orEmpty(readHeartbeats(here.options, READ_TIMEOUT_MS))).find((h) => h.sourceClusterAlias === f.source);
  const lastHeartbeatAgeMs = beat ? now - beat.timestamp : undefined;
  const mirrorMakerAlive = lastHeartbeatAgeMs !== undefined && lastHeartbeatAgeMs < Math.max(10_000, 5_000 * f.intervals.heartbeatSeconds);
  const checkpoints: FlowStatus["checkpoints"] = {};
  const cps = await orEmpty(readTopicToEnd(here.options, mirrorInternalTopics(f.source).checkpoints, READ_TIMEOUT_MS));
  const parts = new Map<string, Set<string>>();
  for (const r of cps) {
    if (!r.key || !r.value) continue;
    const c = decodeCheckpoint(r.key, r.value);
    const age = now - Number(r.timestamp);
    parts.set(c.group, (parts.get(c.group) ?? new Set()).add(`${c.topic}:${c.partition}`));
    checkpoints[c.group] = { ageMs: Math.min(checkpoints[c.group]?.ageMs ?? Infinity, age), partitions: parts.get(c.group)!.size };
  }
  const behindMs: Record<string, number> = {};
  const missingTopics: string[] = [];
  let sourceReachable = false;
  if (link.source) {
    const src = link.source;
    const topics = await within(15_000, () => withClient(new ClusterClient(src.options), (c) => c.listTopics()), `site '${f.source}'`).catch(() => undefined);
    if (topics) {
      sourceReachable = true;
      const hereTopics = new Set(await withClient(new ClusterClient(here.options), (c) => c.listTopics()));
      const name = mirroredName(f, here.alias);
      for (const t of topics) {
        const local = name(t);
        if (local === undefined) continue;
        if (!hereTopics.has(local)) {
          missingTopics.push(t);
          continue;
        }
        const [srcNewest, hereNewest] = await Promise.all([newestByPartition(src, t), newestByPartition(here, local)]);
        let behind = 0;
        for (const [p, ts] of srcNewest) behind = Math.max(behind, ts - (hereNewest.get(p) ?? 0));
        behindMs[local] = Math.max(0, behind);
      }
    }
  }
  const healthy = mirrorMakerAlive && sourceReachable && missingTopics.length === 0 && Object.values(behindMs).every((ms) => ms < 60_000);
  return { source: f.source, mirrorMakerAlive, ...(lastHeartbeatAgeMs !== undefined ? { lastHeartbeatAgeMs } : {}), sourceReachable, behindMs, missingTopics, checkpoints, healthy };
}

export function describeStatus(here: Site, link: SourceLink, s: FlowStatus): string[] {
  const f = link.flow;
  const lines = [`flow ${s.source} → ${here.alias} (${f.policy}; topics ${f.topics.join(", ")}; groups ${f.groups}): ${s.healthy ? "healthy" : "DEGRADED"}`];
  lines.push(`  mirrormaker: ${s.mirrorMakerAlive ? "alive" : "NOT RUNNING"}${s.lastHeartbeatAgeMs !== undefined ? ` (last heartbeat ${secs(s.lastHeartbeatAgeMs)} ago)` : " (no heartbeat here)"}`);
  lines.push(`  source ${s.source}: ${s.sourceReachable ? "reachable" : `UNREACHABLE${link.sourceProblem ? ` (${link.sourceProblem})` : ""}`}`);
  for (const [t, ms] of Object.entries(s.behindMs)) lines.push(`  ${t}: ${ms === 0 ? "caught up" : `newest record here is ${secs(ms)} older than at the source`}`);
  lines.push(`  topics missing here: ${s.missingTopics.join(", ") || "none"}`);
  for (const [g, c] of Object.entries(s.checkpoints).sort()) lines.push(`  checkpoint of group ${g}: ${c.partitions} partitions, newest ${secs(c.ageMs)} ago`);
  return lines;
}
