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

/**
 * Probes until `done`, or throws WaitTimeoutError; returns the final observation. The timeout
 * names the last observation and, if probes failed after it, the last failure too. A probe is
 * started only with a fair share of time left (1 s, or the probe bound if smaller), so a final
 * sliver of a probe never replaces what was seen.
 */
export async function waitUntil<O>(w: WaitSpec<O>): Promise<O> {
  const deadline = Date.now() + w.timeoutMs;
  const probeMs = w.probeTimeoutMs ?? 10_000;
  const fair = Math.min(1000, probeMs);
  let seen: string | undefined;
  let failed: string | undefined;
  const lastState = () =>
    seen === undefined ? (failed === undefined ? "no answer yet" : `the last probe failed: ${failed}`)
      : failed === undefined ? seen : `${seen}; a later probe failed: ${failed}`;
  for (;;) {
    try {
      const o = await within(Math.min(probeMs, Math.max(fair, deadline - Date.now())), w.probe, "the probe");
      if (w.done(o)) return o;
      seen = w.describe(o);
      failed = undefined;
    } catch (e) {
      failed = (e as Error).message;
    }
    if (deadline - Date.now() < fair) throw new WaitTimeoutError(w.what, w.timeoutMs, lastState());
    await new Promise((r) => setTimeout(r, Math.min(w.intervalMs ?? 500, deadline - Date.now() - fair)));
  }
}
