// Security settings and principals (users, groups, roles, quotas) of an estate. Pure.
import { parsePattern, patternMatches, type Role } from "../model/acls";
import { RESERVED_USER_PREFIX, RESERVED_USERS } from "../model/security";
import { Issues, NS, show } from "./issues";
import type { Environment, QuotaSpec, SecuritySpec, TopicSpec, UserSpec } from "../model/spec";

const NAME = /^[a-zA-Z0-9._-]{1,64}$/;

export function parseEnvironment(issues: Issues, v: unknown): Environment | undefined {
  if (v === undefined) return "production";
  if (v === "dev" || v === "staging" || v === "production") return v;
  issues.add(`${NS}:environment`, `${show(v)} is not dev, staging or production`);
  return undefined;
}

export function parseSecurity(issues: Issues, v: unknown, env: Environment | undefined): SecuritySpec | undefined {
  const w = `${NS}:security`;
  const o = issues.object(w, v ?? {}, ["enabled", "clientAuth", "tls"]);
  if (!o) return undefined;
  if (o.enabled === undefined && env === undefined) return undefined; // the environment is already reported
  const enabled = o.enabled === undefined ? env !== "dev" : issues.bool(`${w}.enabled`, o.enabled);
  const clientAuth = o.clientAuth ?? "scram";
  if (clientAuth !== "scram" && clientAuth !== "mtls") issues.add(`${w}.clientAuth`, `${show(clientAuth)} is not scram or mtls`);
  const tls = issues.object(`${w}.tls`, o.tls ?? {}, ["validityDays", "renewBeforeDays", "rotation"]);
  const validityDays = issues.int(`${w}.tls.validityDays`, tls?.validityDays ?? 365, 1, 3650);
  const renewBeforeDays = issues.int(`${w}.tls.renewBeforeDays`, tls?.renewBeforeDays ?? 30, 0, 3650);
  const rotation = issues.int(`${w}.tls.rotation`, tls?.rotation ?? 0, 0, 1_000_000);
  if (validityDays !== undefined && renewBeforeDays !== undefined && renewBeforeDays >= validityDays) {
    issues.add(`${w}.tls.renewBeforeDays`, `${renewBeforeDays} >= validityDays ${validityDays}: every up would renew`);
  }
  if (enabled === undefined || (clientAuth !== "scram" && clientAuth !== "mtls") || !tls ||
      validityDays === undefined || renewBeforeDays === undefined || rotation === undefined || renewBeforeDays >= validityDays) {
    return undefined;
  }
  return { enabled, clientAuth, tls: { validityDays, renewBeforeDays, rotation } };
}

function parseRole(issues: Issues, w: string, r: unknown, topics: TopicSpec[], groups: string[]): Role | undefined {
  const o = issues.object(w, r, ["role", "topic", "group"]);
  if (!o) return undefined;
  const topicRef = (t: unknown): string | undefined => {
    if (typeof t !== "string" || t === "") {
      issues.add(`${w}.topic`, `${show(t)} is not a topic name or prefix*`);
      return undefined;
    }
    if (!topics.some((d) => patternMatches(parsePattern(t), d.name))) {
      issues.add(`${w}.topic`, `'${t}' matches no declared topic`);
      return undefined;
    }
    return t;
  };
  switch (o.role) {
    case "producer": {
      const topic = topicRef(o.topic);
      if (o.group !== undefined) issues.add(`${w}.group`, "a producer has no group");
      return topic && o.group === undefined ? { role: "producer", topic } : undefined;
    }
    case "consumer": {
      const topic = topicRef(o.topic);
      const group = o.group;
      if (typeof group !== "string" || !groups.includes(group)) {
        issues.add(`${w}.group`, `${show(group)} is not a declared group (groups: ${groups.join(", ") || "none"})`);
        return undefined;
      }
      return topic ? { role: "consumer", topic, group } : undefined;
    }
    case "admin":
    case "monitor":
      if (o.topic !== undefined || o.group !== undefined) issues.add(w, `${o.role} takes no topic or group`);
      return o.topic === undefined && o.group === undefined ? { role: o.role } : undefined;
    default:
      issues.add(`${w}.role`, `${show(o.role)} is not producer, consumer, monitor or admin`);
      return undefined;
  }
}

function parseQuota(issues: Issues, w: string, q: unknown): QuotaSpec | undefined {
  const o = issues.object(w, q, ["producerByteRate", "consumerByteRate", "requestPercentage"]);
  if (!o) return undefined;
  const out: QuotaSpec = {};
  if (o.producerByteRate !== undefined) out.producerByteRate = issues.int(`${w}.producerByteRate`, o.producerByteRate, 1024, 2 ** 31 - 1);
  if (o.consumerByteRate !== undefined) out.consumerByteRate = issues.int(`${w}.consumerByteRate`, o.consumerByteRate, 1024, 2 ** 31 - 1);
  if (o.requestPercentage !== undefined) out.requestPercentage = issues.int(`${w}.requestPercentage`, o.requestPercentage, 1, 10000);
  return Object.values(out).some((v) => v === undefined) ? undefined : out;
}

/** users: and groups: of a topology document (already checked to be a mapping). */
export function parsePrincipals(
  issues: Issues, doc: Record<string, unknown>, source: string, topics: TopicSpec[], security: SecuritySpec | undefined,
): { users: UserSpec[]; groups: string[] } {
  const groups: string[] = [];
  if (doc.groups !== undefined) {
    if (!Array.isArray(doc.groups)) issues.add(`${source}: groups`, `${show(doc.groups)} is not a list`);
    else doc.groups.forEach((g: unknown, i: number) => {
      if (typeof g !== "string" || !NAME.test(g.replace(/\*$/, ""))) issues.add(`groups[${i}]`, `invalid group name ${show(g)}`);
      else if (groups.includes(g)) issues.add(`groups[${i}]`, `duplicate group '${g}'`);
      else groups.push(g);
    });
  }
  const users: UserSpec[] = [];
  if (doc.users === undefined) return { users, groups };
  if (!Array.isArray(doc.users)) {
    issues.add(`${source}: users`, `${show(doc.users)} is not a list`);
    return { users, groups };
  }
  if (security && !security.enabled && doc.users.length > 0) {
    issues.add(`${source}: users`, `${doc.users.length} declared, but ${NS}:security.enabled is false: users and ACLs need security`);
  }
  const seen = new Set<string>();
  doc.users.forEach((u: unknown, i: number) => {
    const name = (u as { name?: unknown })?.name;
    const w = typeof name === "string" ? `user '${name}'` : `users[${i}]`;
    const o = issues.object(w, u, ["name", "roles", "quota"]);
    if (!o) return;
    let ok = true;
    if (typeof name !== "string" || !NAME.test(name)) {
      issues.add(`users[${i}]`, `invalid user name ${show(name)} (1–64 of a-z A-Z 0-9 . _ -)`);
      ok = false;
    } else if (Object.hasOwn(RESERVED_USERS, name)) {
      issues.add(w, `'${name}' is made by the platform (${RESERVED_USERS[name]}); pick another name`);
      ok = false;
    } else if (name.startsWith(RESERVED_USER_PREFIX.prefix)) {
      issues.add(w, `names starting '${RESERVED_USER_PREFIX.prefix}' are made by the platform (${RESERVED_USER_PREFIX.what}); pick another name`);
      ok = false;
    } else if (seen.has(name)) {
      issues.add(`users[${i}]`, `duplicate user '${name}'`);
      ok = false;
    } else seen.add(name);
    const rawRoles = o.roles ?? [];
    if (!Array.isArray(rawRoles)) {
      issues.add(`${w}.roles`, `${show(rawRoles)} is not a list`);
      return;
    }
    const roles = rawRoles.map((r: unknown, j: number) => parseRole(issues, `${w}.roles[${j}]`, r, topics, groups));
    const quota = o.quota === undefined ? undefined : parseQuota(issues, `${w}.quota`, o.quota);
    if (ok && roles.every((r) => r !== undefined) && (o.quota === undefined || quota)) {
      users.push({ name: name as string, roles: roles as Role[], ...(quota ? { quota } : {}) });
    }
  });
  return { users, groups };
}
