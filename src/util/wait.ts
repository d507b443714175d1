/** Raised when a bounded wait runs out; carries what was awaited and the last failure seen. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastError?: unknown,
  ) {
    const last = lastError instanceof Error ? lastError.message : lastError === undefined ? "" : String(lastError);
    super(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
    this.name = "WaitTimeoutError";
  }
}

export interface WaitOptions {
  /** Human words for the error message: "broker 1 to register". */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, or the time runs out.
 * A probe that throws counts as "not yet"; the last error is reported on timeout.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(opts.what, opts.timeoutMs, lastError);
    await new Promise((r) => setTimeout(r, Math.min(opts.intervalMs ?? 500, Math.max(0, deadline - Date.now()))));
  }
}
