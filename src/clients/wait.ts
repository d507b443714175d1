// Bounded waits. Each probe is bounded as well as the whole wait, so one hung request cannot run
// minutes past the deadline, and the timeout message is computed when the time is up, from the
// last thing seen ("registered: 0,1") or the last probe's failure — never from the state at the start.
import { ClusterError } from "./errors";

export interface WaitSpec<O> {
  /** Human words for the message: "brokers 0,1,2 to register". */
  what: string;
  /** One observation of the cluster; may throw (a failed probe counts as "not yet"). */
  probe: () => Promise<O>;
  /** Is the observation the awaited state? */
  done: (observation: O) => boolean;
  /** The observation in words, for the timeout message: "registered: 0,1". */
  describe: (observation: O) => string;
  timeoutMs: number;
  /** Bound of one probe; default 10 s (never more than the time left). */
  probeTimeoutMs?: number;
  intervalMs?: number;
}

/** Raised when a bounded wait runs out: kind timeout, carrying the last observation in words. */
export class WaitTimeoutError extends ClusterError {
  constructor(readonly what: string, readonly timeoutMs: number, readonly lastState: string) {
    super("timeout", `timed out after ${(timeoutMs / 1000).toFixed(timeoutMs % 1000 ? 1 : 0)} s waiting for ${what}; last seen: ${lastState}`, false, "WAIT_TIMEOUT");
    this.name = "WaitTimeoutError";
  }
}

/** Runs `op`, failing with kind timeout once `ms` have passed (the op itself is not cancelled). */
export async function within<T>(ms: number, op: () => Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClusterError("timeout", `${what} did not answer within ${ms} ms`, true, "PROBE_TIMEOUT")), ms);
  });
  try {
    return await Promise.race([op(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Probes until `done`, or throws WaitTimeoutError with the last observation; returns the final one. */
export async function waitUntil<O>(w: WaitSpec<O>): Promise<O> {
  const start = Date.now();
  const deadline = start + w.timeoutMs;
  let last = "no answer yet";
  const probeMs = w.probeTimeoutMs ?? 10_000;
  for (;;) {
    const left = deadline - Date.now();
    try {
      const o = await within(Math.max(1, Math.min(probeMs, left)), w.probe, "the probe");
      if (w.done(o)) return o;
      last = `${w.describe(o)} (${((Date.now() - start) / 1000).toFixed(1)} s in)`;
    } catch (e) {
      last = `the last probe failed: ${(e as Error).message}`;
    }
    // Too little time left for a fair probe: report what the last full one saw instead.
    if (deadline - Date.now() < Math.min(100, probeMs)) throw new WaitTimeoutError(w.what, w.timeoutMs, last);
    await new Promise((r) => setTimeout(r, Math.min(w.intervalMs ?? 500, Math.max(0, deadline - Date.now() - Math.min(100, probeMs)))));
  }
}
