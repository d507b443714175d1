import { describe, expect, it } from "vitest";
import { groupStatus, partitionStatus, type Observation } from "../src/status";

const obs = (pairs: [number, number][]): Observation[] => pairs.map(([offset, lag], i) => ({ offset, lag, at: i * 1000 }));

describe("Burrow's evaluation rules over a window of polls", () => {
  it("OK while the window is not full, or when lag touched zero", () => {
    expect(partitionStatus(obs([[1, 5], [1, 6]]), 3, 0)).toBe("OK");
    expect(partitionStatus(obs([[1, 5], [2, 0], [2, 7]]), 3, 1)).toBe("OK");
  });
  it("OK when the consumer is catching up", () => {
    expect(partitionStatus(obs([[1, 9], [5, 8], [9, 6]]), 3, 1)).toBe("OK");
  });
  it("WARN when offsets move but lag never goes down", () => {
    expect(partitionStatus(obs([[1, 5], [2, 5], [3, 8]]), 3, 1)).toBe("WARN");
  });
  it("STOP when nothing moves and nobody is in the group; STALL when members hold it", () => {
    expect(partitionStatus(obs([[4, 5], [4, 7], [4, 9]]), 3, 0)).toBe("STOP");
    expect(partitionStatus(obs([[4, 5], [4, 7], [4, 9]]), 3, 2)).toBe("STALL");
  });
  it("REWIND when an offset goes backwards, before anything else", () => {
    expect(partitionStatus(obs([[10, 0], [3, 0]]), 3, 1)).toBe("REWIND");
  });
  it("a group is STOP when all partitions are, ERR when any is STOP/STALL/REWIND, else the worst of WARN/OK", () => {
    expect(groupStatus(["STOP", "STOP"])).toBe("STOP");
    expect(groupStatus(["STOP", "OK"])).toBe("ERR");
    expect(groupStatus(["STALL", "WARN"])).toBe("ERR");
    expect(groupStatus(["REWIND"])).toBe("ERR");
    expect(groupStatus(["OK", "WARN"])).toBe("WARN");
    expect(groupStatus([])).toBe("OK");
  });
});
