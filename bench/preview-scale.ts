// Benchmark: no-op `pulumi preview` time at 10, 100 and 300 declared topics, on a deployed
// 1-broker stack. Median of several previews per size; the ratio 300 vs 10. Not a test.
//   npm run bench -- preview [--runs 3]
import { TestStack } from "../test/support/stack";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchPreview(runs: number, sizes = [10, 100, 300]): Promise<void> {
  const topics = (n: number) => ({
    topics: Array.from({ length: n }, (_, i) => ({ name: `t${String(i).padStart(4, "0")}`, partitions: 1, replicationFactor: 1, config: { "retention.ms": 86400000 } })),
  });
  const s = new TestStack("benchpreview", {
    target: "docker",
      environment: "dev",
    kafka: { brokers: 1, heapMb: 512 },
    zookeeper: { replicas: 1, heapMb: 128 },
    docker: { bindAddress: "127.0.0.1", firstBrokerPort: 26192 },
  }, topics(sizes[0]));
  const results: Record<number, number> = {};
  try {
    for (const n of sizes) {
      s.setTopology(topics(n));
      const up = s.pulumi(["up", "--yes", "--skip-preview"], 1_800_000);
      if (up.code !== 0) throw new Error(up.stdout + up.stderr);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const p = s.pulumi(["preview", "--expect-no-changes"]);
        if (p.code !== 0) throw new Error(p.stdout + p.stderr);
        times.push(performance.now() - t0);
      }
      results[n] = median(times);
      console.log(`${String(n).padStart(4)} topics: no-op preview median ${(results[n] / 1000).toFixed(2)} s (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(", ")})`);
    }
    const [lo, hi] = [sizes[0], sizes[sizes.length - 1]];
    console.log(`ratio ${hi} vs ${lo} topics: ${(results[hi] / results[lo]).toFixed(2)} (goal <= 2)`);
  } finally {
    s.cleanup();
  }
}
