// Prints one plain closing line, `vitest: N passed, N failed[, N skipped]`, that any CI can read.
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const m of modules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") count.passed++;
        else if (state === "failed") failedHere++;
        else count.skipped++;
      }
      // A file that failed to load, or whose beforeAll failed (its tests then show as skipped),
      // has no failed test but must still count as a failure.
      count.failed += failedHere || (m.state() === "failed" ? 1 : 0);
    }
    const skipped = count.skipped ? `, ${count.skipped} skipped` : "";
    process.stdout.write(`\nvitest: ${count.passed} passed, ${count.failed} failed${skipped}\n`);
  }
}
