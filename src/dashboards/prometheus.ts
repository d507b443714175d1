// A tiny client of Prometheus' HTTP query API (/api/v1/query, /api/v1/query_range). Every
// failure is a PrometheusError saying what was asked, of which URL, and why.

export type PrometheusErrorKind =
  | "unreachable" // nothing answers at the URL
  | "timeout" // no answer within the client's bound
  | "query" // Prometheus refused or failed the query (bad_data, execution, timeout on its side)
  | "response"; // an answer that is not Prometheus' JSON (a proxy, another service on the port)

export class PrometheusError extends Error {
  constructor(readonly kind: PrometheusErrorKind, message: string, readonly url: string) {
    super(message);
    this.name = "PrometheusError";
  }
}

export type Labels = Record<string, string>;
/** One series of an instant query: its labels and [unix seconds, value as text]. */
export interface InstantSeries { metric: Labels; value: [number, string] }
/** One series of a range query: its labels and its samples, oldest first. */
export interface RangeSeries { metric: Labels; values: [number, string][] }

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

export class PrometheusClient {
  readonly baseUrl: string;

  constructor(baseUrl: string, readonly timeoutMs = 15_000) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** The value of `expr` at `time` (default: now), as a vector. */
  async query(expr: string, time?: Date): Promise<InstantSeries[]> {
    const params: Record<string, string> = { query: expr };
    if (time) params.time = String(time.getTime() / 1000);
    return this.call("query", params, "vector") as Promise<InstantSeries[]>;
  }

  /** `expr` from `start` to `end`, every `stepSeconds`, as a matrix. */
  async queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]> {
    return this.call("query_range", {
      query: expr, start: String(start.getTime() / 1000), end: String(end.getTime() / 1000), step: String(stepSeconds),
    }, "matrix") as Promise<RangeSeries[]>;
  }

  private async call(endpoint: string, params: Record<string, string>, resultType: string): Promise<unknown[]> {
    const url = `${this.baseUrl}/api/v1/${endpoint}`;
    const what = `${endpoint} of '${params.query}' at ${url}`;
    let res: Response;
    try {
      // POST: long expressions do not fit every URL limit; Prometheus takes both.
      res = await fetch(url, {
        method: "POST", body: new URLSearchParams(params), signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === "TimeoutError" || err.name === "AbortError") {
        throw new PrometheusError("timeout", `${what}: no answer within ${this.timeoutMs} ms`, url);
      }
      const why = err.cause?.code ?? err.cause?.message ?? err.message;
      throw new PrometheusError("unreachable", `${what}: cannot connect (${why}); is the stack's Prometheus running? (docker ps)`, url);
    }
    const text = await res.text().catch(() => "");
    let body: ApiAnswer;
    try {
      body = JSON.parse(text) as ApiAnswer;
    } catch {
      throw new PrometheusError("response", `${what}: HTTP ${res.status}, not Prometheus' JSON: ${text.slice(0, 120).replace(/\s+/g, " ")}`, url);
    }
    if (body.status !== "success") {
      throw new PrometheusError("query", `${what}: HTTP ${res.status}, ${body.errorType ?? "error"}: ${body.error ?? "no reason given"}`, url);
    }
    // A scalar or string answer (`vector(1)` is a vector, `1` a scalar) is reshaped as one series.
    const data = body.data ?? {};
    if (data.resultType === resultType && Array.isArray(data.result)) return data.result as unknown[];
    if (data.resultType === "scalar" && Array.isArray(data.result) && resultType === "vector") {
      return [{ metric: {}, value: data.result as [number, string] }];
    }
    throw new PrometheusError("response", `${what}: expected a ${resultType}, got ${data.resultType ?? "no data"}`, url);
  }
}
