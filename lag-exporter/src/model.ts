// The exporter's memory across polls: per-partition offset/time tables (time lag), per-group
// windows (status), and what to keep when part of a snapshot is missing. `update` turns one
// snapshot into the view the metrics are rendered from. Pure apart from its own state.
import type { ClusterSnapshot, GroupSnapshot, TopicSnapshot } from "../../src/clients/lag-reader";
import { groupStatus, partitionStatus, Window, type GroupStatus, type PartitionStatus } from "./status";
import { lagSeconds, OffsetTimeTable } from "./time-table";

export interface PartitionView {
  topic: string;
  partition: number;
  leader: number;
  replicas: number;
  isr: number;
  oldest: number | null;
  latest: number | null;
}

export interface GroupPartitionView {
  topic: string;
  partition: number;
  /** undefined: the group has committed nothing on this partition (an explicit series, never -1). */
  committed?: number;
  lag?: number;
  lagSeconds?: number;
  /** The committed offset is older than the exporter's history: lagSeconds is a lower bound. */
  lagSecondsLowerBound?: boolean;
  status?: PartitionStatus;
}

export interface GroupView {
  group: string;
  state: string;
  members: number;
  coordinator: number;
  partitions: GroupPartitionView[];
  status: GroupStatus;
  lagSecondsMax: number;
}

export interface View {
  takenAt: number;
  brokers: number;
  controller: number | null;
  topics: { topic: string; partitions: PartitionView[] }[];
  groups: GroupView[];
}

export interface ModelOptions {
  /** Observations per partition in a status window (Burrow's default: 10). */
  windowSize: number;
  /** Points per partition in the time-lag table. */
  tableCapacity?: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class LagModel {
  private readonly tables = new Map<string, OffsetTimeTable>();
  private readonly windows = new Map<string, Window>(); // group \0 topic \0 partition
  private lastGroups = new Map<string, GroupSnapshot>();
  private lastOffsets = new Map<string, { oldest: number | null; latest: number | null }>();

  constructor(private readonly opts: ModelOptions) {}

  update(s: ClusterSnapshot): View {
    const topics = this.topics(s.topics, s.takenAt);
    const latest = new Map<string, number | null>();
    for (const t of topics) for (const p of t.partitions) latest.set(key(t.topic, p.partition), p.latest);
    const partitionsOf = new Map(topics.map((t) => [t.topic, t.partitions.map((p) => p.partition)]));

    // A group whose coordinator could not be asked is kept as last seen; any other group absent
    // from the snapshot is gone (deleted, or expired) and so are its series.
    const groups = new Map(s.groups.map((g) => [g.group, g]));
    for (const [name, g] of this.lastGroups) if (!groups.has(name) && s.unreachable.includes(g.coordinator)) groups.set(name, g);
    this.lastGroups = groups;

    const liveWindows = new Set<string>();
    const views: GroupView[] = [];
    for (const g of [...groups.values()].sort((a, b) => a.group.localeCompare(b.group))) {
      const committed = new Map(g.committed.map((c) => [key(c.topic, c.partition), c.offset]));
      // Every partition of every topic the group commits to or is assigned: one it has not
      // committed on shows as "no committed offset".
      const groupTopics = new Set([...g.committed.map((c) => c.topic), ...g.assigned.map((a) => a.topic)]);
      const partitions: GroupPartitionView[] = [];
      for (const topic of [...groupTopics].sort()) {
        const ids = partitionsOf.get(topic);
        if (!ids) continue; // a deleted topic: its offsets are history
        for (const partition of ids) {
          const k = key(topic, partition);
          const c = committed.get(k);
          const end = latest.get(k) ?? null;
          if (c === undefined || end === null) {
            partitions.push({ topic, partition, committed: c });
            continue;
          }
          const lag = Math.max(0, end - c);
          const wk = `${g.group}\u0000${k}`;
          liveWindows.add(wk);
          let w = this.windows.get(wk);
          if (!w) this.windows.set(wk, (w = new Window(this.opts.windowSize)));
          w.add({ offset: c, lag, at: s.takenAt });
          const table = this.tables.get(k);
          const ls = table ? lagSeconds(table, c, end, s.takenAt) : { seconds: 0, lowerBound: true };
          partitions.push({
            topic, partition, committed: c, lag, lagSeconds: ls.seconds, lagSecondsLowerBound: ls.lowerBound,
            status: partitionStatus(w.observations, w.size, g.members),
          });
        }
      }
      const statuses = partitions.flatMap((p) => (p.status ? [p.status] : []));
      views.push({
        group: g.group, state: g.state, members: g.members, coordinator: g.coordinator, partitions,
        status: groupStatus(statuses),
        lagSecondsMax: Math.max(0, ...partitions.map((p) => p.lagSeconds ?? 0)),
      });
    }
    for (const k of this.windows.keys()) if (!liveWindows.has(k)) this.windows.delete(k);
    return { takenAt: s.takenAt, brokers: s.brokers.length, controller: s.controller, topics, groups: views };
  }

  private topics(topics: TopicSnapshot[], takenAt: number): { topic: string; partitions: PartitionView[] }[] {
    const live = new Set<string>();
    const out = topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p): PartitionView => {
        const k = key(t.topic, p.partition);
        live.add(k);
        // A partition whose leader could not be asked keeps its last known offsets (its log is not moving).
        const known = p.latest !== null ? { oldest: p.oldest, latest: p.latest } : (this.lastOffsets.get(k) ?? { oldest: null, latest: null });
        this.lastOffsets.set(k, known);
        if (p.latest !== null) {
          let table = this.tables.get(k);
          if (!table) this.tables.set(k, (table = new OffsetTimeTable(this.opts.tableCapacity)));
          table.add(p.latest, p.readAt || takenAt);
        }
        return { topic: t.topic, partition: p.partition, leader: p.leader, replicas: p.replicas.length, isr: p.isr.length, ...known };
      }),
    }));
    // A deleted topic's history goes with it.
    for (const k of [...this.tables.keys()]) if (!live.has(k)) this.tables.delete(k);
    for (const k of [...this.lastOffsets.keys()]) if (!live.has(k)) this.lastOffsets.delete(k);
    return out;
  }
}
