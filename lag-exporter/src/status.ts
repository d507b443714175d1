// Consumer status after Burrow's evaluation rules, over a window of observations per partition.
// Burrow reads every commit from __consumer_offsets; we poll, so an observation is one poll's
// (committed offset, lag). The rules, in order:
//   REWIND  an offset in the window went backwards;
//   OK      the lag was zero at some point in the window (or the window is not full yet);
//   STOP    the offset did not move across the full window and the group has no members;
//   STALL   the offset did not move across the full window while members hold the group;
//   WARN    the offset moved but the lag never went down across the window;
//   OK      otherwise (the consumer is catching up).
// A group is STOP when every partition is STOP, ERR when any is STOP, STALL or REWIND, WARN when
// any is WARN, else OK. Codes are Burrow's StatusConstant values.

export const STATUS_CODES = { NOTFOUND: 0, OK: 1, WARN: 2, ERR: 3, STOP: 4, STALL: 5, REWIND: 6 } as const;
export type PartitionStatus = "OK" | "WARN" | "STOP" | "STALL" | "REWIND";
export type GroupStatus = "OK" | "WARN" | "ERR" | "STOP";

export interface Observation { offset: number; lag: number; at: number }

/** The last `size` observations of one group's partition. */
export class Window {
  private readonly items: Observation[] = [];
  constructor(readonly size: number) {}

  add(o: Observation): void {
    this.items.push(o);
    if (this.items.length > this.size) this.items.shift();
  }

  get observations(): readonly Observation[] {
    return this.items;
  }
}

export function partitionStatus(w: readonly Observation[], size: number, members: number): PartitionStatus {
  for (let i = 1; i < w.length; i++) if (w[i].offset < w[i - 1].offset) return "REWIND";
  if (w.length < size || w.some((o) => o.lag === 0)) return "OK";
  if (w[0].offset === w[w.length - 1].offset) return members === 0 ? "STOP" : "STALL";
  for (let i = 1; i < w.length; i++) if (w[i].lag < w[i - 1].lag) return "OK";
  return "WARN";
}

export function groupStatus(partitions: PartitionStatus[]): GroupStatus {
  if (partitions.length > 0 && partitions.every((s) => s === "STOP")) return "STOP";
  if (partitions.some((s) => s === "STOP" || s === "STALL" || s === "REWIND")) return "ERR";
  if (partitions.some((s) => s === "WARN")) return "WARN";
  return "OK";
}
