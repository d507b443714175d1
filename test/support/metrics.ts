// Reading Prometheus text and Prometheus' HTTP API in tests: series as plain records.
export interface Sample { name: string; labels: Record<string, string>; value: number }

/** Parses the text exposition format (the subset exporters write: no timestamps, no escapes in label values). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

export async function scrape(url: string, timeoutMs = 5_000): Promise<{ samples: Sample[]; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const text = await res.text();
  return { samples: parseMetrics(text), ms: performance.now() - t0 };
}

/** Samples of one metric whose labels include `match`. */
export const pick = (samples: Sample[], name: string, match: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));

/** An instant query against Prometheus' API. */
export async function promQuery(base: string, expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== "success") throw new Error(`query ${expr}: ${body.error}`);
  return body.data.result;
}

/** Alerts Prometheus holds now (pending or firing). */
export async function promAlerts(base: string): Promise<{ labels: Record<string, string>; state: string; activeAt: string }[]> {
  const res = await fetch(`${base}/api/v1/alerts`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string; activeAt: string }[] } };
  return body.data.alerts;
}
