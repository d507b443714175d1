// Mirror flows (topology `mirrors:`), this site's alias (`kafka-platform:site`) and the
// MirrorMaker's sizing (`kafka-platform:mirrorMaker`). Pure: which flows can run now (is the
// source deployed?) is decided later, from the source's stack outputs.
import { Issues, NS, show } from "./issues";
import { parsePattern, patternMatches, type Pattern } from "../model/acls";
import { regexToPatterns } from "../model/mirror-acls";
import type { MirrorFlowSpec, MirrorReaderSpec, MirrorSpec, SecuritySpec, TopicSpec } from "../model/spec";

/** A cluster alias becomes a topic prefix and part of internal topic names: no dots, no spaces. */
const ALIAS = /^[a-zA-Z0-9_-]{1,64}$/;
const STACK = /^([a-zA-Z0-9_.-]+\/){0,2}[a-zA-Z0-9_.-]+$/;
export const MIRROR_DEFAULTS = {
  intervals: { checkpointSeconds: 5, groupSyncSeconds: 5, refreshSeconds: 30, heartbeatSeconds: 1, offsetLagMax: 100 },
  heapMb: 256,
  flushIntervalMs: 1000,
};

export function parseSite(issues: Issues, v: unknown, stack: string): string | undefined {
  return issues.str(`${NS}:site`, v ?? stack, ALIAS, "letters, digits, '_' and '-': it prefixes mirrored topic names");
}

/** A topic pattern as MirrorMaker reads it: a name or a regular expression (Java's; checked with JavaScript's, which agrees on the common subset). */
function pattern(issues: Issues, where: string, v: unknown): string | undefined {
  const s = issues.str(where, v);
  if (s === undefined) return undefined;
  try {
    new RegExp(`^(?:${s})$`);
  } catch (e) {
    issues.add(where, `${show(s)} is not a regular expression: ${(e as Error).message}`);
    return undefined;
  }
  if (/[,]/.test(s)) {
    issues.add(where, `${show(s)} contains ',' (MirrorMaker splits its topic list on commas): list the names separately`);
    return undefined;
  }
  return s;
}

/**
 * On a secure site, this site's MirrorMaker principal gets ACLs from the flows: what they name
 * must be expressible as ACL patterns, and it authenticates with SCRAM.
 */
export function checkSecureMirrors(issues: Issues, source: string, flows: MirrorFlowSpec[], security: SecuritySpec): void {
  if (security.clientAuth !== "scram") {
    issues.add(`${NS}:security.clientAuth`, `'${security.clientAuth}' on a site with mirrors: MirrorMaker authenticates to sites with SCRAM; use scram`);
  }
  const acl = "ACLs can say only names, name.* and .* (alternatives with |)";
  for (const f of flows) {
    const w = `${source}: mirror from '${f.source}'`;
    if (!regexToPatterns(f.groups)) issues.add(`${w}: groups`, `${show(f.groups)} on a secure site: ${acl}`);
    if (f.policy === "identity") {
      for (const t of f.topics.filter((t) => !regexToPatterns(t))) issues.add(`${w}: topics`, `${show(t)} with the identity policy on a secure site: ${acl}`);
    }
  }
}

/** `mirrorReaders:` of a secure site: which sites' MirrorMakers may read which of its topics. */
export function parseMirrorReaders(
  issues: Issues, v: unknown, source: string, site: string | undefined, topics: TopicSpec[], security: SecuritySpec | undefined,
): MirrorReaderSpec[] {
  if (v === undefined) return [];
  const w0 = `${source}: mirrorReaders`;
  if (!Array.isArray(v)) {
    issues.add(w0, `${show(v)} is not a list`);
    return [];
  }
  if (security && !security.enabled && v.length > 0) {
    issues.add(w0, `${v.length} declared, but ${NS}:security.enabled is false: every site may read this one already (grants need security)`);
    return [];
  }
  if (security?.clientAuth === "mtls" && v.length > 0) {
    issues.add(w0, "MirrorMakers read with SCRAM: grants need security.clientAuth scram");
    return [];
  }
  const out: MirrorReaderSpec[] = [];
  const seen = new Set<string>();
  v.forEach((r: unknown, i: number) => {
    const name = (r as { site?: unknown })?.site;
    const w = typeof name === "string" ? `${w0}: site '${name}'` : `${w0}[${i}]`;
    const o = issues.object(w, r, ["site", "topics", "groups"]);
    if (!o) return;
    let ok = true;
    const alias = issues.str(`${w}: site`, name, ALIAS, "a site alias: letters, digits, '_' and '-'");
    if (alias === undefined) ok = false;
    else if (alias === site) {
      issues.add(`${w}: site`, "is this site: its own MirrorMaker has its own principal");
      ok = false;
    } else if (seen.has(alias)) {
      issues.add(`${w}: site`, "is listed twice: list its topics together");
      ok = false;
    } else seen.add(alias);
    const list = (key: "topics" | "groups"): Pattern[] | undefined => {
      const val = key === "groups" ? o.groups ?? ["*"] : o.topics;
      if (!Array.isArray(val) || val.length === 0) {
        issues.add(`${w}: ${key}`, `${show(val)} is not a non-empty list of names or prefix*`);
        return undefined;
      }
      const ps: Pattern[] = [];
      val.forEach((x: unknown, j: number) => {
        const p = typeof x === "string" && x !== "" && /^[a-zA-Z0-9._-]*\*?$/.test(x) ? parsePattern(x) : undefined;
        if (!p) issues.add(`${w}: ${key}[${j}]`, `${show(x)} is not a name, prefix* or *`);
        else if (key === "topics" && !topics.some((t) => patternMatches(p, t.name))) issues.add(`${w}: ${key}[${j}]`, `${show(x)} matches no declared topic`);
        else ps.push(p);
      });
      return ps.length === val.length ? ps : undefined;
    };
    const granted = list("topics");
    const groups = list("groups");
    if (ok && granted && groups) out.push({ site: alias!, topics: granted, groups });
  });
  return out;
}

export function parseMirrorMaker(issues: Issues, v: unknown): Omit<MirrorSpec, "flows" | "readers"> | undefined {
  const w = `${NS}:mirrorMaker`;
  const o = issues.object(w, v ?? {}, ["heapMb", "exactlyOnce", "flushIntervalMs"]);
  if (!o) return undefined;
  const heapMb = issues.int(`${w}.heapMb`, o.heapMb ?? MIRROR_DEFAULTS.heapMb, 128, 8192);
  // Off by default, as measured: exactly-once (one transaction per poll) fell behind 1,000 msg/s
  // on a 2-core host, and a MirrorMaker behind is records a site loss takes along.
  const exactlyOnce = issues.bool(`${w}.exactlyOnce`, o.exactlyOnce ?? false);
  const flushIntervalMs = issues.int(`${w}.flushIntervalMs`, o.flushIntervalMs ?? MIRROR_DEFAULTS.flushIntervalMs, 100, 600_000);
  if (heapMb === undefined || exactlyOnce === undefined || flushIntervalMs === undefined) return undefined;
  return { heapMb, exactlyOnce, flushIntervalMs };
}

export function parseMirrors(issues: Issues, v: unknown, source: string, site: string | undefined, topics: TopicSpec[]): MirrorFlowSpec[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    issues.add(`${source}: mirrors`, `${show(v)} is not a list`);
    return [];
  }
  const flows: MirrorFlowSpec[] = [];
  const seen = new Map<string, number>();
  v.forEach((f: unknown, i: number) => {
    const from = (f as { from?: unknown })?.from;
    const w = typeof from === "string" ? `${source}: mirror from '${from}'` : `${source}: mirrors[${i}]`;
    const o = issues.object(w, f, ["from", "stack", "topics", "groups", "policy", "intervals"]);
    if (!o) return;
    const alias = issues.str(`${w}: from`, from, ALIAS, "a site alias: letters, digits, '_' and '-'");
    let ok = alias !== undefined;
    if (alias !== undefined && alias === site) {
      issues.add(`${w}: from`, `is this site ('${site}'): a site mirrors from another one`);
      ok = false;
    } else if (alias !== undefined && seen.has(alias)) {
      issues.add(`${w}: from`, `'${alias}' is already mirrored by mirrors[${seen.get(alias)}]: one flow per source, list its topics together`);
      ok = false;
    }
    if (alias !== undefined) seen.set(alias, i);
    // Unset, the stack is named like the site (nothing more to say when the alias itself is wrong).
    const stack = o.stack === undefined && alias === undefined ? undefined : issues.str(`${w}: stack`, o.stack ?? alias, STACK, "a stack name or org/project/stack");
    let list: string[] = [];
    if (!Array.isArray(o.topics) || o.topics.length === 0) {
      issues.add(`${w}: topics`, `${show(o.topics)} is not a non-empty list of topic names or patterns`);
      ok = false;
    } else {
      o.topics.forEach((t: unknown, j: number) => {
        const p = pattern(issues, `${w}: topics[${j}]`, t);
        if (p === undefined) ok = false;
        else list.push(p);
      });
      list = [...new Set(list)];
    }
    const groups = pattern(issues, `${w}: groups`, o.groups ?? ".*");
    const policy = o.policy ?? "prefix";
    if (policy !== "prefix" && policy !== "identity") {
      issues.add(`${w}: policy`, `${show(policy)} is not prefix or identity`);
      ok = false;
    }
    const intervals = parseIntervals(issues, `${w}: intervals`, o.intervals);
    if (alias !== undefined && policy === "prefix") {
      // MirrorMaker creates `<source>.<topic>` here; a declared topic of that name would be written twice.
      for (const t of topics.filter((t) => t.name.startsWith(`${alias}.`))) {
        issues.add(`${source}: topic '${t.name}'`, `is where MirrorMaker writes '${alias}'s '${t.name.slice(alias.length + 1)}' (prefix policy): do not declare it`);
        ok = false;
      }
    }
    if (ok && alias && stack && groups !== undefined && intervals) {
      flows.push({ source: alias, stack, topics: list, groups, policy: policy as MirrorFlowSpec["policy"], intervals });
    }
  });
  return flows;
}

function parseIntervals(issues: Issues, w: string, v: unknown): MirrorFlowSpec["intervals"] | undefined {
  const o = issues.object(w, v ?? {}, Object.keys(MIRROR_DEFAULTS.intervals));
  if (!o) return undefined;
  const d = MIRROR_DEFAULTS.intervals;
  const checkpointSeconds = issues.int(`${w}.checkpointSeconds`, o.checkpointSeconds ?? d.checkpointSeconds, 1, 3600);
  const groupSyncSeconds = issues.int(`${w}.groupSyncSeconds`, o.groupSyncSeconds ?? d.groupSyncSeconds, 1, 3600);
  const refreshSeconds = issues.int(`${w}.refreshSeconds`, o.refreshSeconds ?? d.refreshSeconds, 1, 3600);
  const heartbeatSeconds = issues.int(`${w}.heartbeatSeconds`, o.heartbeatSeconds ?? d.heartbeatSeconds, 1, 3600);
  const offsetLagMax = issues.int(`${w}.offsetLagMax`, o.offsetLagMax ?? d.offsetLagMax, 0, 1_000_000);
  if (checkpointSeconds === undefined || groupSyncSeconds === undefined || refreshSeconds === undefined || heartbeatSeconds === undefined || offsetLagMax === undefined) return undefined;
  return { checkpointSeconds, groupSyncSeconds, refreshSeconds, heartbeatSeconds, offsetLagMax };
}
