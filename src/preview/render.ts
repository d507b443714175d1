// The summary as a person reads it: plain text in a terminal, Markdown as a pull-request comment
// (with a marker line, so CI updates its comment instead of adding one per push). Pure.
import { undeclared, type Summary } from "./summary";

/** The first line of every comment this tool writes: how CI finds its own comment again. */
export const COMMENT_MARKER = (stack: string) => `<!-- kafka-platform preview: ${stack} -->`;

export interface Report {
  stack: string;
  summary?: Summary;
  /** The program refused the change before planning (its own guards, or invalid config). */
  refused?: string[];
  /** The per-resource diff, as `pulumi preview --diff` would print it (text only). */
  diff?: string;
}

function sections(r: Report): [string, string[]][] {
  const s = r.summary;
  if (!s) return [["Refused by the program (nothing was planned)", r.refused ?? []]];
  const c = s.counts;
  const total = c.create + c.update + c.replace + c.delete;
  const out: [string, string[]][] = [
    ["Changes", [total ? `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete` : "none: nothing to change"]],
  ];
  if (s.dataLoss.length) out.push(["Data loss", s.dataLoss.map((d) => d.declared ? `${d.what} (declared: ${d.declared})` : `${d.what}; NOT DECLARED: add "${d.key}" to kafka-platform:allowDataLoss to accept it`)]);
  if (s.rolls.length) out.push(["Rolls", s.rolls]);
  if (s.restarts.length) out.push(["Restarts", s.restarts]);
  if (s.topics.length) out.push(["Topics", s.topics]);
  if (s.access.length) out.push(["Access", s.access]);
  return out;
}

export function verdict(r: Report): { ok: boolean; line: string } {
  if (!r.summary) return { ok: false, line: `refused: ${r.refused?.length ?? 0} problem(s); nothing would change` };
  const bad = undeclared(r.summary);
  if (bad.length) return { ok: false, line: `refused: ${bad.length} data-losing change(s) not declared: ${bad.map((d) => d.key).join(", ")}` };
  const declared = r.summary.dataLoss.length;
  return { ok: true, line: declared ? `ok: ${declared} data-losing change(s), each declared` : "ok: no change loses data" };
}

export function renderText(r: Report): string {
  const lines = [`preview of stack ${r.stack}`];
  for (const [title, items] of sections(r)) {
    lines.push(`${title}:`, ...items.map((i) => `  ${i}`));
  }
  lines.push(verdict(r).line);
  return `${lines.join("\n")}\n`;
}

export function renderMarkdown(r: Report): string {
  const v = verdict(r);
  const lines = [COMMENT_MARKER(r.stack), `### ${v.ok ? "✅" : "❌"} \`pulumi preview\` of stack \`${r.stack}\``, "", `**${v.line}**`, ""];
  for (const [title, items] of sections(r)) {
    lines.push(`**${title}**`, "", ...items.map((i) => `- ${i.replace(/([`*_|<>])/g, "\\$1")}`), "");
  }
  if (r.diff) lines.push("<details><summary>Pulumi's diff</summary>", "", "```diff", r.diff.trimEnd(), "```", "", "</details>", "");
  return lines.join("\n");
}
