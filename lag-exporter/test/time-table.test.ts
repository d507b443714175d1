import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lagSeconds, OffsetTimeTable } from "../src/time-table";

describe("time lag from sampled end offsets", () => {
  it("interpolates between the two samples around the offset and says how wide they are", () => {
    const t = new OffsetTimeTable();
    t.add(100, 10_000);
    t.add(200, 20_000);
    const a = t.appendTime(150)!;
    expect(a.at).toBeCloseTo(15_050, 0);
    expect(a.boundMs).toBe(10_000);
    expect(t.appendTime(200)).toBeUndefined(); // not yet written at the last sample
    expect(t.appendTime(50)).toEqual({ at: 10_000, boundMs: Infinity, beforeTable: true });
  });

  it("is 0 when caught up and a lower bound before the table", () => {
    const t = new OffsetTimeTable();
    t.add(10, 1_000);
    t.add(20, 2_000);
    expect(lagSeconds(t, 20, 20, 5_000)).toEqual({ seconds: 0, lowerBound: false });
    expect(lagSeconds(t, 25, 20, 5_000)).toEqual({ seconds: 0, lowerBound: false });
    expect(lagSeconds(t, 5, 20, 5_000)).toEqual({ seconds: 4, lowerBound: true });
  });

  it("starts over when the log end goes backwards (a re-created topic)", () => {
    const t = new OffsetTimeTable();
    t.add(500, 1_000);
    t.add(600, 2_000);
    t.add(3, 3_000);
    expect(t.length).toBe(1);
  });

  it("stays within its bound of the true append time, thinned or not (property)", () => {
    // A log written at random times; the exporter samples its end offset at random poll times.
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 2, maxLength: 400 }), // gaps between records (ms)
      fc.integer({ min: 100, max: 20_000 }), // poll interval
      fc.integer({ min: 4, max: 64 }), // capacity
      (gaps, poll, capacity) => {
        const appended: number[] = [];
        let now = 0;
        for (const g of gaps) appended.push((now += g));
        const table = new OffsetTimeTable(capacity);
        for (let at = 0; at <= now + poll; at += poll) table.add(appended.filter((x) => x <= at).length, at);
        for (let offset = 0; offset < appended.length; offset++) {
          const e = table.appendTime(offset);
          if (!e || e.beforeTable) continue;
          // The record was appended in (t1, t2]; the estimate lies in the same interval.
          expect(Math.abs(e.at - appended[offset])).toBeLessThanOrEqual(e.boundMs);
          if (table.length < capacity / 2) expect(e.boundMs).toBeLessThanOrEqual(poll);
        }
      }));
  });
});
