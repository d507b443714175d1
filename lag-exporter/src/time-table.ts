// Time lag from offsets alone (after seglo's kafka-lag-exporter): per partition, a table of
// sampled log end offsets, each with the first and last time it was seen. A record at offset c
// was appended after the last time the end offset was still ≤ c and no later than the first time
// it was > c, so interpolating between those two times misses the truth by at most the time
// between them — one poll interval while the table is unthinned. Older than the table: a lower bound.

export interface AppendTime {
  /** Estimated append time (ms since the epoch). */
  at: number;
  /** Width of the interval the true time lies in (ms): the estimate's error bound. */
  boundMs: number;
  /** The offset is older than the table: `at` is the oldest sample's time, an upper bound of the append time. */
  beforeTable: boolean;
}

export class OffsetTimeTable {
  private offsets: Float64Array;
  /** When the end offset was first, and last, seen at this value. */
  private first: Float64Array;
  private last: Float64Array;
  private size = 0;

  /** `capacity` points; when full, every other point of the older half is dropped (coarser history, same span). */
  constructor(private readonly capacity = 256) {
    this.offsets = new Float64Array(capacity);
    this.first = new Float64Array(capacity);
    this.last = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Records that the log end offset was `offset` at `at`. A smaller offset (a truncated or re-created log) starts over. */
  add(offset: number, at: number): void {
    if (this.size > 0) {
      const last = this.offsets[this.size - 1];
      if (offset === last) {
        this.last[this.size - 1] = at; // nothing appended yet: the record at this offset is younger than `at`
        return;
      }
      if (offset < last) this.size = 0;
    }
    if (this.size === this.capacity) this.thin();
    this.offsets[this.size] = offset;
    this.first[this.size] = at;
    this.last[this.size] = at;
    this.size++;
  }

  private thin(): void {
    const half = Math.floor(this.size / 2);
    let w = 0;
    for (let r = 0; r < this.size; r++) {
      if (r < half && r % 2 === 1) continue;
      this.offsets[w] = this.offsets[r];
      this.first[w] = this.first[r];
      this.last[w] = this.last[r];
      w++;
    }
    this.size = w;
  }

  /** When the record at `offset` was appended, or undefined when the log had not reached it at the last sample. */
  appendTime(offset: number): AppendTime | undefined {
    if (this.size === 0 || offset >= this.offsets[this.size - 1]) return undefined;
    if (offset < this.offsets[0]) return { at: this.first[0], boundMs: Infinity, beforeTable: true };
    // The last sample with end offset ≤ offset (binary search: offsets increase).
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const o1 = this.offsets[lo], t1 = this.last[lo], o2 = this.offsets[lo + 1], t2 = this.first[lo + 1];
    // Records [o1, o2) arrived in (t1, t2]; assume an even rate in between.
    return { at: t1 + ((offset - o1 + 0.5) / (o2 - o1)) * (t2 - t1), boundMs: t2 - t1, beforeTable: false };
  }
}

/** Seconds the consumer is behind: age of the oldest record it has not consumed; 0 when caught up. */
export function lagSeconds(table: OffsetTimeTable, committed: number, latest: number, now: number): { seconds: number; lowerBound: boolean } {
  if (committed >= latest) return { seconds: 0, lowerBound: false };
  const t = table.appendTime(committed);
  if (!t) return { seconds: 0, lowerBound: false };
  return { seconds: Math.max(0, (now - t.at) / 1000), lowerBound: t.beforeTable };
}
