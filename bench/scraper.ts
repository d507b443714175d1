// A scraper in its own process, as Prometheus is: N sequential GETs of a URL, `gapMs` apart;
// prints the latencies (ms, one JSON array) on stdout. Used by bench/exporter.ts.
//   node -r ts-node/register/transpile-only bench/scraper.ts URL N GAP_MS
const [url, n, gap] = process.argv.slice(2);

(async () => {
  const out: number[] = [];
  // Three unrecorded GETs first: the connection and the client's own warm-up.
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  for (let i = 0; i < Number(n); i++) {
    const t0 = performance.now();
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, Number(gap)));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error(`scraper: ${(e as Error).message}`);
  process.exit(1);
});
