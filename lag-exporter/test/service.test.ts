import { gunzipSync } from "node:zlib";
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import type { Poller, PollResult } from "../src/poller";
import { ExporterService } from "../src/service";
import { gzipSync } from "node:zlib";

/** A poller that returns fixed text: the service's HTTP side, without a cluster. */
const fixed = (text: string): Poller => ({
  poll: async (): Promise<PollResult> => ({ body: Buffer.from(text), gzipped: gzipSync(text), requests: 7, failures: [] }),
  close: async () => undefined,
});

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject).end();
  });
}

describe("the exporter's HTTP side", () => {
  it("is ready after the first poll, serves the poll's metrics plus its own health, plain or gzipped", async () => {
    const service = new ExporterService(fixed('kafka_brokers 3\n'), { pollIntervalMs: 60_000, port: 0, host: "127.0.0.1" });
    const port = await service.start();
    try {
      for (let i = 0; i < 50 && !service.ready; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await get(port, "/ready")).status).toBe(200);
      expect((await get(port, "/healthz")).status).toBe(200);
      expect((await get(port, "/nope")).status).toBe(404);
      const plain = (await get(port, "/metrics")).body.toString();
      expect(plain.startsWith("kafka_brokers 3\n")).toBe(true);
      expect(plain).toMatch(/^kafka_exporter_poll_requests 7$/m);
      expect(plain).toMatch(/^kafka_exporter_seconds_since_last_good_poll \d/m);
      const gz = await get(port, "/metrics", { "accept-encoding": "gzip" });
      expect(gz.headers["content-encoding"]).toBe("gzip");
      // Two gzip members, read as one stream.
      expect(gunzipSync(gz.body).toString().split("\n")[0]).toBe("kafka_brokers 3");
      expect(gunzipSync(gz.body).toString()).toMatch(/^kafka_exporter_poll_requests 7$/m);
    } finally {
      await service.stop();
    }
  });

  it("is not ready while the first poll fails, and says why", async () => {
    const failing: Poller = { poll: async () => { throw Object.assign(new Error("no broker answers"), { kind: "unreachable" }); }, close: async () => undefined };
    const service = new ExporterService(failing, { pollIntervalMs: 60_000, port: 0, host: "127.0.0.1" });
    const port = await service.start();
    try {
      await new Promise((r) => setTimeout(r, 100));
      const r = await get(port, "/ready");
      expect(r.status).toBe(503);
      expect(r.body.toString()).toContain("no broker answers");
      expect((await get(port, "/metrics")).body.toString()).toMatch(/^kafka_exporter_poll_errors_total\{kind="unreachable"\} 1$/m);
    } finally {
      await service.stop();
    }
  });
});
