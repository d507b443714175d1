// The shape of the code, as rules that fail: no import cycles; kafkajs only behind src/clients;
// model (pure rules and types) never imports config (which reads Pulumi config and files).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/exec";

function files(dir: string): string[] {
  return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith(".ts") ? [path.join(dir, d.name)] : []);
}

/** Every module a file imports (import, import type, export from, require), as written. */
function imports(file: string): string[] {
  const src = fs.readFileSync(path.join(repoRoot, file), "utf8");
  return [...src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|require\("([^"]+)"\)|import\s+"([^"]+)"/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Relative imports resolved to repo paths (x.ts or x/index.ts). */
function localImports(file: string): string[] {
  return imports(file).filter((m) => m.startsWith(".")).map((m) => {
    const base = path.join(path.dirname(file), m);
    return fs.existsSync(path.join(repoRoot, `${base}.ts`)) ? `${base}.ts` : path.join(base, "index.ts");
  });
}

function cycles(nodes: string[]): string[][] {
  const graph = new Map<string, string[]>();
  const edges = (f: string) => graph.get(f) ?? graph.set(f, localImports(f)).get(f)!;
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (f: string, trail: string[]) => {
    if (state.get(f) === "done") return;
    if (state.get(f) === "open") {
      found.push([...trail.slice(trail.indexOf(f)), f]);
      return;
    }
    state.set(f, "open");
    for (const g of edges(f)) visit(g, [...trail, f]);
    state.set(f, "done");
  };
  for (const f of nodes) visit(f, []);
  return found;
}

describe("the code's structure", () => {
  const src = files("src");

  it("has no import cycle in src/", () => {
    expect(cycles(src)).toEqual([]);
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true }); // ignored scratch space, absent in a fresh clone
    const dir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "cycle-"));
    try {
      fs.writeFileSync(path.join(dir, "a.ts"), 'import { b } from "./b";\nexport const a = 1;\n');
      fs.writeFileSync(path.join(dir, "b.ts"), 'import type { a } from "./a";\nexport const b = 2;\n');
      const rel = path.relative(repoRoot, dir);
      expect(cycles([path.join(rel, "a.ts")])).toEqual([[path.join(rel, "a.ts"), path.join(rel, "b.ts"), path.join(rel, "a.ts")]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("imports kafkajs (or its internals) only in the client layer, across src, lag-exporter, bench and test", () => {
    const users = [...src, ...files("lag-exporter"), ...files("bench"), ...files("test")]
      .filter((f) => imports(f).some((m) => m === "kafkajs" || m.startsWith("kafkajs/")));
    expect(users.sort()).toEqual(["src/clients/cluster.ts", "src/clients/kafkajs-internals.ts", "src/clients/lag-reader.ts", "src/clients/mirror-reader.ts"]);
  });

  it("keeps model free of config, components and platforms: pure rules and types only", () => {
    const model = src.filter((f) => f.startsWith("src/model/"));
    const outward = model.flatMap((f) => localImports(f).filter((g) => !g.startsWith("src/model/")).map((g) => `${f} -> ${g}`));
    expect(outward).toEqual([]);
    expect(model.filter((f) => imports(f).some((m) => m.startsWith("@pulumi/")))).toEqual([]);
  });

  it("keeps components target-agnostic: no target SDK, no platform implementation, no read of the target's settings", () => {
    const components = src.filter((f) => f.startsWith("src/components/"));
    const offenders = components.flatMap((f) => {
      const text = fs.readFileSync(path.join(repoRoot, f), "utf8");
      return [
        ...imports(f).filter((m) => m === "@pulumi/docker" || m === "@pulumi/kubernetes" || /platforms\/(docker|kubernetes)/.test(m)).map((m) => `${f} imports ${m}`),
        ...(/\bspec\.target\b|\.docker\.|\.kubernetes\./.test(text) ? [`${f} reads the target's settings`] : []),
      ];
    });
    expect(offenders).toEqual([]);
  });
});

