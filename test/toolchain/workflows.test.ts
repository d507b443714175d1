// The GitHub workflows: valid for actionlint (built from Go modules by `npm test`'s setup), and
// what they run is the npm scripts a person runs; pull requests preview every committed stack.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { repoRoot, run } from "../support/exec";

const dir = path.join(repoRoot, ".github/workflows");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yml")).sort();
const actionlint = path.join(repoRoot, ".tools/bin/actionlint");
type Step = { run?: string; uses?: string };
const workflow = (f: string) => YAML.parse(fs.readFileSync(path.join(dir, f), "utf8")) as { jobs: Record<string, { steps: Step[]; strategy?: { matrix?: { stack?: unknown } } }> };

describe("the GitHub workflows", () => {
  it("are pull request, deploy and the DR drill", () => {
    expect(files).toEqual(["deploy.yml", "dr-drill.yml", "pull-request.yml"]);
  });

  it("pass actionlint", () => {
    expect(fs.existsSync(actionlint), "actionlint is built by `npm test` (setup with KP_WITH_ACTIONLINT=1)").toBe(true);
    const r = run(actionlint, ["-no-color", ...files.map((f) => path.join(dir, f))], { timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("would fail on a broken workflow: the check can fail", () => {
    const bad = path.join(repoRoot, ".tmp", `broken-${process.pid}.yml`);
    fs.mkdirSync(path.dirname(bad), { recursive: true });
    fs.writeFileSync(bad, "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.evnt.number }}\n");
    try {
      const r = run(actionlint, ["-no-color", bad], { timeoutMs: 60_000 });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("evnt");
    } finally {
      fs.rmSync(bad, { force: true });
    }
  });

  it("run only npm scripts that exist, the ones a person runs", () => {
    const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
    const used = files.flatMap((f) => Object.values(workflow(f).jobs).flatMap((j) => j.steps.map((s) => s.run ?? "")))
      .flatMap((cmd) => [...cmd.matchAll(/npm run(?: -s)? ([a-z:-]+)/g)].map((m) => m[1]));
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((u) => !scripts.includes(u))).toEqual([]);
  });

  it("preview every committed stack on a pull request", () => {
    const stacks = fs.readdirSync(repoRoot).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter(Boolean).sort();
    expect([...(workflow("pull-request.yml").jobs.preview.strategy!.matrix!.stack as string[])].sort()).toEqual(stacks);
  });
});
