// `npm run preview -- [--stack S] [--markdown FILE] [--cwd DIR]`: what a change does to a stack,
// for the person who reviews it. One `pulumi preview --json` run; prints Pulumi's diff, then the
// summary (restarts, rolls, topics, access, data loss) and a verdict. --markdown also writes the
// same as a pull-request comment. Exit codes: 0 nothing lost (or every loss declared), 1 the
// preview failed, 2 usage, 3 refused (a data-losing change not declared, or the program refused).
import * as fs from "node:fs";
import * as path from "node:path";
import { parseCli, runCliWithCode } from "../cli/args";
import { pulumiSync } from "../clients/stack";
import { renderDiff } from "./diff";
import { renderMarkdown, renderText, verdict, type Report } from "./render";
import { summarize, type PreviewStep } from "./summary";

const USAGE = "npm run preview -- [--stack S] [--markdown FILE] [--cwd PROGRAM_DIR]";

interface PreviewJson {
  config?: Record<string, unknown>;
  steps?: PreviewStep[];
  diagnostics?: { message: string; severity: string }[];
}

/** The program's own refusal (its guards, invalid config): the lines it listed, else its message. */
function refusalLines(diags: { message: string; severity: string }[]): string[] {
  const errors = diags.filter((d) => d.severity === "error").map((d) => d.message.trim());
  const listed = errors.flatMap((m) => m.split("\n")).filter((l) => /^\s+- /.test(l)).map((l) => l.replace(/^\s+- /, ""));
  return listed.length ? listed : errors.filter((m) => !/^(update failed|preview failed)/.test(m)).slice(0, 5);
}

/** kafka-platform:allowDataLoss as the preview's config carries it (an object's value JSON-encoded). */
export function allowDataLoss(config: Record<string, unknown> | undefined): string[] {
  let v = config?.["kafka-platform:allowDataLoss"];
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return [];
    }
  }
  return Array.isArray(v) ? v.map(String) : [];
}

async function main(): Promise<number> {
  const { values: o } = parseCli(process.argv.slice(2), { markdown: { type: "string" }, cwd: { type: "string" } });
  const args = ["preview", "--json", "--non-interactive", "--stack", o.stack, ...(o.cwd ? ["--cwd", path.resolve(o.cwd)] : [])];
  const r = pulumiSync(args, undefined, 900_000);
  let json: PreviewJson | undefined;
  try {
    json = JSON.parse(r.stdout) as PreviewJson;
  } catch {
    json = undefined;
  }
  const report: Report = { stack: o.stack };
  if (r.status === 0 && json?.steps) {
    report.summary = summarize(json.steps, allowDataLoss(json.config));
    report.diff = renderDiff(json.steps);
  } else {
    const refused = refusalLines(json?.diagnostics ?? []);
    if (!refused.length) {
      const why = (r.stderr || r.stdout || String(r.error)).trim().split("\n").filter(Boolean).at(-1) ?? "no output";
      console.error(`error: pulumi preview of stack '${o.stack}' failed: ${why}`);
      return 1;
    }
    report.refused = refused;
  }
  if (report.diff) process.stdout.write(`${report.diff}\n`);
  process.stdout.write(renderText(report));
  if (o.markdown) fs.writeFileSync(o.markdown, renderMarkdown(report));
  return verdict(report).ok ? 0 : 3;
}

runCliWithCode(USAGE, main);
