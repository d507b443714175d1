// `npm run drift -- --stack S [--cwd DIR]`: what changed on the cluster behind the stack's back.
// One `pulumi preview --refresh --json`: Pulumi reads every declared resource back (a topic's
// config as the kafka provider reads it: the topic's own settings, never broker defaults; an
// ACL that is gone) and plans what restoring the declaration takes. Topics on the cluster that no
// one declared are listed too, and left alone: this stack never deletes what it did not create.
// Exit codes: 0 no drift, 1 the check failed, 2 usage, 3 drift (declared resources differ).
import * as path from "node:path";
import { parseCli, runCliWithCode } from "../cli/args";
import { pulumiSync, readStackOutputs, stackClient } from "../clients/stack";
import { driftLines, undeclaredTopics } from "./drift-report";
import type { PreviewStep } from "./summary";

const USAGE = "npm run drift -- [--stack S] [--cwd PROGRAM_DIR]";

async function main(): Promise<number> {
  const { values: o } = parseCli(process.argv.slice(2), { cwd: { type: "string" } });
  const r = pulumiSync(["preview", "--refresh", "--json", "--non-interactive", "--stack", o.stack, ...(o.cwd ? ["--cwd", path.resolve(o.cwd)] : [])], undefined, 900_000);
  let steps: PreviewStep[] | undefined;
  try {
    steps = (JSON.parse(r.stdout) as { steps?: PreviewStep[] }).steps;
  } catch {
    steps = undefined;
  }
  if (r.status !== 0 || !steps) {
    const why = (r.stderr || r.stdout || String(r.error)).trim().split("\n").filter(Boolean).at(-1) ?? "no output";
    console.error(`error: pulumi preview --refresh of stack '${o.stack}' failed: ${why}`);
    return 1;
  }
  const drift = driftLines(steps);
  const out = readStackOutputs(o.stack);
  const client = stackClient(out, undefined, { retries: 2 });
  let extra: string[];
  try {
    extra = undeclaredTopics(await client.listTopics(), out);
  } finally {
    await client.close();
  }
  console.log(drift.length
    ? `drift on stack '${o.stack}': ${drift.length} declared resource(s) differ from the cluster (live → declared)`
    : `no drift on stack '${o.stack}': every declared resource matches the cluster`);
  for (const l of drift) console.log(`  ${l}`);
  if (drift.length) console.log(`restore the declaration: npm run pulumi -- up --refresh --stack ${o.stack}`);
  if (extra.length) {
    console.log(`${extra.length} topic(s) on the cluster that the stack does not declare (left alone; declare them in the topology to manage them):`);
    for (const t of extra) console.log(`  ${t}`);
  }
  return drift.length ? 3 : 0;
}

runCliWithCode(USAGE, main);
