import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config";

describe("exporter config", () => {
  it("names every problem with its key and value", () => {
    expect(() => parseConfig({ bootstrapServers: ["nohost"], pollIntervalSeconds: 0, windowSize: 1, port: 70000, certificates: { ca: "soon" } })).toThrow(
      'invalid exporter config:\n  bootstrapServers: a non-empty list of host:port (got ["nohost"])\n  pollIntervalSeconds: a number of seconds from 1 to 3600 (got 0)\n' +
      '  windowSize: an integer from 2 to 100 (got 1)\n  port: a TCP port (got 70000)\n  certificates.ca: not a date (got "soon")');
  });
  it("accepts a good one", () => {
    const c = { bootstrapServers: ["k:9091"], pollIntervalSeconds: 5, windowSize: 10, port: 8000 };
    expect(parseConfig(c)).toEqual(c);
  });
});
