import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PollError, WorkerPoller } from "../src/poller";
import type { WorkerSettings } from "../src/worker";

describe("the poll worker thread", () => {
  it("carries a failed poll back as a PollError with its kind, and closes", async () => {
    // Nothing listens on port 1: the worker's reader fails to connect, fast.
    const settings: WorkerSettings = { client: { bootstrapServers: ["127.0.0.1:1"], connectionTimeoutMs: 500, retries: 0 }, windowSize: 3 };
    const poller = new WorkerPoller(path.join(__dirname, "../src/worker.ts"), settings);
    try {
      const e = await poller.poll().then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(PollError);
      expect((e as PollError).kind).toBe("unreachable");
      expect((e as PollError).message).toContain("127.0.0.1:1");
    } finally {
      await poller.close();
    }
  }, 30_000);
});
