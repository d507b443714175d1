// Least privilege for MirrorMaker on secure sites. Two principals per flow: on the source, a
// reader the source grants by name (`mirrorReaders:` in its topology: the owner of the data says
// who may copy it); on the target, this site's own MirrorMaker principal, which may write only
// where MirrorMaker writes. Pure: the bindings and the coverage checks are unit-tested.
import { showPattern, uniqueSorted, type AclBinding, type Operation, type Pattern, patternMatches, type ResourceType } from "./acls";
import { mirrorInternalTopics } from "./mirror";
import { RESERVED_USER_PREFIX } from "./security";
import type { EstateSpec, MirrorFlowSpec, MirrorReaderSpec, UserSpec } from "./spec";

/** This site's MirrorMaker principal (on this site's cluster). */
export const MIRROR_USER = "mirrormaker";
/** The principal another site's MirrorMaker reads this site as. */
export const readerUser = (site: string) => `${RESERVED_USER_PREFIX.prefix}${site}`;

const allow = (user: string, resourceType: ResourceType, p: Pattern, operations: Operation[]): AclBinding[] =>
  operations.map((operation) => ({ principal: `User:${user}`, resourceType, resourceName: p.name, pattern: p.pattern, operation, permission: "Allow", host: "*" }));
const literal = (name: string): Pattern => ({ name, pattern: "Literal" });

/**
 * A MirrorMaker regular expression as ACL patterns: `.*` is every name, `name.*` a prefix, a
 * name (dots read literally) itself; alternatives with `|`. Undefined: ACLs cannot say it.
 */
export function regexToPatterns(regex: string): Pattern[] | undefined {
  const out: Pattern[] = [];
  for (const alt of regex.split("|")) {
    const a = alt.replace(/\\\./g, ".");
    if (a === ".*") out.push(literal("*"));
    else if (/^[A-Za-z0-9._-]+\.\*$/.test(a)) out.push({ name: a.slice(0, -2), pattern: "Prefixed" });
    else if (/^[A-Za-z0-9._-]+$/.test(a)) out.push(literal(a));
    else return undefined;
  }
  return out;
}

/** Does a granted pattern include every name `wanted` stands for? */
export function covers(granted: Pattern, wanted: Pattern): boolean {
  if (granted.pattern === "Literal" && granted.name === "*") return true;
  if (wanted.pattern === "Literal") return wanted.name !== "*" && patternMatches(granted, wanted.name);
  return granted.pattern === "Prefixed" && wanted.name.startsWith(granted.name);
}

/** What a source site lets one reader do: read the granted topics (and heartbeats), see the granted groups' offsets. */
export function readerAcls(r: MirrorReaderSpec): AclBinding[] {
  const user = readerUser(r.site);
  return uniqueSorted([
    ...[...r.topics, literal("heartbeats")].flatMap((t) => allow(user, "Topic", t, ["Read", "Describe", "DescribeConfigs"])),
    ...r.groups.flatMap((g) => allow(user, "Group", g, ["Describe"])),
  ]);
}

/**
 * What this site's MirrorMaker may do here, for the flows into it: its Connect workers' topics
 * and group, the heartbeats, the mirrored topics (created, written, configured like their
 * source), the synced groups' offsets and, for exactly-once, its transactional ids.
 * Patterns ACLs cannot say are refused by the config check first.
 */
export function targetAcls(flows: MirrorFlowSpec[], exactlyOnce: boolean): AclBinding[] {
  const u = MIRROR_USER;
  const out: AclBinding[] = [...allow(u, "Topic", literal("heartbeats"), ["Create", "Write", "Describe", "DescribeConfigs"])];
  for (const f of flows) {
    const internal = mirrorInternalTopics(f.source);
    for (const t of [internal.offsets, internal.configs, internal.status, internal.offsetSyncs, internal.checkpoints]) {
      out.push(...allow(u, "Topic", literal(t), ["Create", "Read", "Write", "Describe", "DescribeConfigs"]));
    }
    const mirrored: Pattern[] = f.policy === "prefix" ? [{ name: `${f.source}.`, pattern: "Prefixed" }] : f.topics.flatMap((t) => regexToPatterns(t) ?? []);
    // Read: committing a synced group's offset needs it on the topic.
    for (const t of mirrored) out.push(...allow(u, "Topic", t, ["Create", "Write", "Read", "Describe", "Alter", "DescribeConfigs", "AlterConfigs"]));
    // The Connect workers' group (MirrorMakerConfig: `<source>-mm2`).
    out.push(...allow(u, "Group", literal(`${f.source}-mm2`), ["Read", "Describe"]));
    for (const g of regexToPatterns(f.groups) ?? []) out.push(...allow(u, "Group", g, ["Read", "Describe"]));
    // KIP-618: the leader's `<group>-configs` and each task's `<group>-<connector>-<task>`.
    if (exactlyOnce) out.push(...allow(u, "TransactionalID", { name: `${f.source}-mm2`, pattern: "Prefixed" }, ["Write", "Describe"]));
  }
  return uniqueSorted(out);
}

/** What a flow needs of its source's grant and does not have: topics, then groups, as readable names. */
export function uncovered(flow: MirrorFlowSpec, grant: { topics: Pattern[]; groups: Pattern[] }): { topics: string[]; groups: string[] } {
  const missing = (wanted: Pattern[], granted: Pattern[]) => wanted.filter((w) => !granted.some((g) => covers(g, w))).map(showPattern);
  const topics = flow.topics.map((t) => regexToPatterns(t) ?? [literal(t)]).flat();
  return { topics: missing(topics, grant.topics), groups: missing(regexToPatterns(flow.groups) ?? [literal(flow.groups)], grant.groups) };
}

/** The MirrorMaker principals of a secure site: its own (when it has flows) and one per granted reader. */
export function mirrorPrincipals(spec: Pick<EstateSpec, "mirror">): UserSpec[] {
  const { flows, readers, exactlyOnce } = spec.mirror;
  return [
    ...(flows.length ? [{ name: MIRROR_USER, roles: [], acls: targetAcls(flows, exactlyOnce) }] : []),
    ...readers.map((r) => ({ name: readerUser(r.site), roles: [], acls: readerAcls(r) })),
  ];
}
