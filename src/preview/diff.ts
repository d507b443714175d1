// Pulumi's per-resource diff, rebuilt from the preview's JSON (one preview run serves both the
// summary and the diff): each changed resource, and for an update or replacement each changed
// property with its old and new value. Secrets arrive masked ("[secret]") and stay so. Pure.
import { changedFiles, changedResources, type PreviewStep } from "./summary";

const SIGN = { create: "+", update: "~", replace: "+-", delete: "-" } as const;

/** `config["retention.ms"]`, `ports[0].external`, `labels.app` → its segments. */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  const re = /\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\.?([^.[\]]+)/g;
  for (let m = re.exec(path); m; m = re.exec(path)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function at(obj: unknown, path: string): unknown {
  let v = obj;
  for (const seg of pathSegments(path)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

const show = (v: unknown): string => {
  if (v === undefined) return "(none)";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s.replace(/\n/g, "\\n");
};

export function renderDiff(steps: PreviewStep[]): string {
  const lines: string[] = [];
  for (const r of changedResources(steps).sort((a, b) => a.urn.localeCompare(b.urn))) {
    lines.push(`${SIGN[r.change]} ${r.type} ${r.name}${r.change === "replace" ? " (replace)" : ""}`);
    if (r.change !== "update" && r.change !== "replace") continue;
    const paths = Object.keys(r.step.detailedDiff ?? {}).sort();
    for (const p of paths.length ? paths : r.step.diffReasons ?? []) {
      const o = at(r.step.oldState?.inputs, p);
      const n = at(r.step.newState?.inputs, p);
      const forces = (r.step.detailedDiff?.[p]?.kind ?? "").endsWith("-replace") ? " [forces replacement]" : "";
      const files = changedFiles(o, n);
      if (files) {
        // A container's files: the lines that change, per file, rather than two walls of text.
        lines.push(`    ~ ${p}${forces}`);
        for (const f of files) {
          lines.push(`        ~ ${f.file}${f.change === "changed" ? "" : ` (${f.change})`}`, ...f.removed.map((l) => `            - ${l}`), ...f.added.map((l) => `            + ${l}`));
        }
        continue;
      }
      lines.push(`    ~ ${p}: ${show(o)} => ${show(n)}${forces}`);
    }
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
