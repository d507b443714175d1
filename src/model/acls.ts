// Role shorthands → explicit Kafka ACL bindings. Pure and deterministic (sorted, deduplicated),
// so a reordered topology never churns ACL resources.

export type ResourceType = "Topic" | "Group" | "Cluster" | "TransactionalID";
export type PatternType = "Literal" | "Prefixed";
export type Operation =
  | "All" | "Read" | "Write" | "Create" | "Delete" | "Alter" | "Describe"
  | "ClusterAction" | "DescribeConfigs" | "AlterConfigs" | "IdempotentWrite";

/** A name, or a prefix when it ends in '*' ("orders.*" = every name starting "orders."). */
export interface Pattern {
  name: string;
  pattern: PatternType;
}

export type Role =
  | { role: "producer"; topic: string }
  | { role: "consumer"; topic: string; group: string }
  | { role: "admin" }
  /** Reads metadata, offsets and groups (an exporter): never records, never writes. */
  | { role: "monitor" };

export interface AclBinding {
  principal: string;
  resourceType: ResourceType;
  resourceName: string;
  pattern: PatternType;
  operation: Operation;
  permission: "Allow" | "Deny";
  host: string;
}

export function parsePattern(s: string): Pattern {
  return s.endsWith("*") && s !== "*" ? { name: s.slice(0, -1), pattern: "Prefixed" } : { name: s, pattern: "Literal" };
}

/** A pattern as written in a topology: `name`, `prefix*` or `*`. */
export const showPattern = (p: Pattern): string => (p.pattern === "Prefixed" ? `${p.name}*` : p.name);

/** Does a declared name fall under the pattern? "*" literal is Kafka's wildcard. */
export function patternMatches(p: Pattern, name: string): boolean {
  if (p.pattern === "Prefixed") return name.startsWith(p.name);
  return p.name === "*" || p.name === name;
}

export function expandRole(user: string, role: Role): AclBinding[] {
  const principal = `User:${user}`;
  const allow = (resourceType: ResourceType, p: Pattern, operation: Operation): AclBinding => ({
    principal, resourceType, resourceName: p.name, pattern: p.pattern, operation, permission: "Allow", host: "*",
  });
  switch (role.role) {
    case "producer": {
      const t = parsePattern(role.topic);
      // Write on a topic also grants idempotent produce (KIP-679), so no cluster ACL is needed.
      return [allow("Topic", t, "Write"), allow("Topic", t, "Describe")];
    }
    case "consumer": {
      const t = parsePattern(role.topic);
      return [allow("Topic", t, "Read"), allow("Topic", t, "Describe"), allow("Group", parsePattern(role.group), "Read")];
    }
    case "monitor": {
      const any: Pattern = { name: "*", pattern: "Literal" };
      // Describe on the cluster lists groups; on topics and groups it reads offsets and metadata.
      return [
        allow("Cluster", { name: "kafka-cluster", pattern: "Literal" }, "Describe"),
        allow("Topic", any, "Describe"),
        allow("Group", any, "Describe"),
      ];
    }
    case "admin": {
      const any: Pattern = { name: "*", pattern: "Literal" };
      return [
        allow("Cluster", { name: "kafka-cluster", pattern: "Literal" }, "All"),
        allow("Topic", any, "All"),
        allow("Group", any, "All"),
        allow("TransactionalID", any, "All"),
      ];
    }
  }
}

/** A stable identity, used as the Pulumi resource name of the binding. */
export function aclKey(a: AclBinding): string {
  const p = showPattern({ name: a.resourceName, pattern: a.pattern });
  return `${a.principal.replace(/^User:/, "")}:${a.permission === "Deny" ? "deny-" : ""}${a.operation}:${a.resourceType}:${p}`.toLowerCase();
}

/** Bindings deduplicated and sorted by key: the same set always renders the same way. */
export function uniqueSorted(acls: AclBinding[]): AclBinding[] {
  const byKey = new Map(acls.map((a) => [aclKey(a), a]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/** Every user's roles and extra bindings, expanded, deduplicated and sorted by key. */
export function expandAcls(users: { name: string; roles: Role[]; acls?: AclBinding[] }[]): AclBinding[] {
  return uniqueSorted(users.flatMap((u) => [...u.roles.flatMap((r) => expandRole(u.name, r)), ...(u.acls ?? [])]));
}
