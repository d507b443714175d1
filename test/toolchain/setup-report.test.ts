// What `npm run setup` prints: one line when warm, and on failure the step, its log's tail and
// the log's path. Runs the real script on this machine (warm: setup already ran for npm test).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, run } from "../support/exec";

const tools = path.join(repoRoot, ".tools");

describe("setup's report", () => {
  it("prints one line when warm, and keeps the project's own pulumi when .tools/bin is already on PATH (npm run up calls it so)", () => {
    const r = run("bash", ["scripts/setup.sh"], { env: { PATH: `${tools}/bin:${process.env.PATH}` }, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/^setup: everything up to date \(\d+\.\d s; logs in \.tools\/logs\)\n$/);
    expect(fs.realpathSync(path.join(tools, "bin/pulumi"))).toMatch(/\/pulumi$/);
  }, 120_000);

  it("names a failing step, shows the end of its log and the log's path, and exits non-zero", () => {
    // An explicitly configured base image that is neither present nor pullable.
    const r = run("bash", ["scripts/setup.sh"], { env: { KP_SETUP_STEPS: "6", KP_BASE_IMAGE: "kp-missing-base:0" }, timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    const lines = (r.stdout + r.stderr).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^setup: step 6\/8 \(images\) FAILED after \d+\.\d s, exit 1\. The last 40 lines of its log:$/);
    expect(lines).toContain("  | error: base image kp-missing-base:0 is neither present nor pullable");
    expect(lines.at(-1)).toBe(`setup: full log: ${tools}/logs/images.log`);
    expect(lines.length).toBeLessThanOrEqual(42);
  }, 120_000);
});
