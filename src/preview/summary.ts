// What a `pulumi preview --json` means to a reviewer: which nodes restart, which roll one at a
// time, how topics and access change, and every change that loses data — each either declared
// (kafka-platform:allowDataLoss, or a topic's allowDelete the program already checked) or a
// reason to fail the check. Pure: it reads the preview's steps, never the cluster.

/** One step of `pulumi preview --json`, as much of it as the summary reads. */
export interface PreviewStep {
  op: string;
  urn: string;
  oldState?: { type?: string; inputs?: Record<string, unknown> };
  newState?: { type?: string; inputs?: Record<string, unknown> };
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, { kind: string }> | null;
}

export type Change = "create" | "update" | "replace" | "delete";

export interface DataLoss {
  /** What to list in kafka-platform:allowDataLoss to declare it: `broker:3`, `volume:kafka-3-data`, `topic:audit:replicationFactor`. */
  key: string;
  what: string;
  declared?: string;
}

export interface Summary {
  counts: Record<Change, number>;
  /** Nodes (containers, pods) that go down and come back: "broker kafka-1 (replaced: command)". */
  restarts: string[];
  /** Roles whose members restart one after another, each waiting for the last to be in sync. */
  rolls: string[];
  topics: string[];
  access: string[];
  dataLoss: DataLoss[];
}

const CHANGE: Record<string, Change | undefined> = {
  create: "create", update: "update", replace: "replace", "create-replacement": "replace", "delete-replaced": "replace", delete: "delete",
};

const typeOf = (urn: string) => urn.split("::")[2]?.split("$").pop() ?? "";
const nameOf = (urn: string) => urn.split("::").pop() ?? urn;
const NODE_TYPES = ["docker:index/container:Container", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment"];
const VOLUME_TYPES = ["docker:index/volume:Volume", "kubernetes:core/v1:PersistentVolumeClaim"];
const ROLES: [RegExp, string][] = [[/^kafka-(\d+)$|^kafka$/, "broker"], [/^zookeeper-(\d+)$|^zookeeper$/, "ZooKeeper member"]];

/** The preview's steps, one per resource (a replacement's create and delete steps are one change). */
export function changedResources(steps: PreviewStep[]): { urn: string; type: string; name: string; change: Change; step: PreviewStep }[] {
  const byUrn = new Map<string, { urn: string; type: string; name: string; change: Change; step: PreviewStep }>();
  for (const step of steps) {
    const change = CHANGE[step.op];
    if (!change) continue;
    const seen = byUrn.get(step.urn);
    if (seen && seen.change === "replace") continue;
    byUrn.set(step.urn, { urn: step.urn, type: step.oldState?.type ?? step.newState?.type ?? typeOf(step.urn), name: nameOf(step.urn), change, step });
  }
  return [...byUrn.values()];
}

/**
 * Files of a container (the docker provider's `uploads`: file → content) that differ, with the
 * lines removed and added; undefined when the values are not file lists (or are secret: masked).
 */
export function changedFiles(o: unknown, n: unknown): { file: string; change: "added" | "removed" | "changed"; removed: string[]; added: string[] }[] | undefined {
  const files = (v: unknown) => (Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === "object" && typeof (x as { content?: unknown }).content === "string")
    ? new Map((v as { file: string; content: string }[]).map((x) => [String(x.file), x.content]))
    : Array.isArray(v) && v.length === 0 ? new Map<string, string>() : undefined);
  const a = files(o);
  const b = files(n);
  if (!a || !b) return undefined;
  return [...new Set([...a.keys(), ...b.keys()])].sort().filter((f) => a.get(f) !== b.get(f)).map((file) => {
    const before = a.get(file)?.split("\n") ?? [];
    const after = b.get(file)?.split("\n") ?? [];
    return {
      file, change: !a.has(file) ? "added" : !b.has(file) ? "removed" : "changed",
      removed: before.filter((l) => !after.includes(l)), added: after.filter((l) => !before.includes(l)),
    };
  });
}

const inputs = (s: PreviewStep, which: "old" | "new") => (which === "old" ? s.oldState?.inputs : s.newState?.inputs) ?? {};
const why = (s: PreviewStep) => {
  const keys = [...new Set([...(s.replaceReasons ?? []), ...(s.diffReasons ?? []), ...Object.keys(s.detailedDiff ?? {}).map((k) => k.split(/[.[]/)[0])])];
  // A container's files name themselves: "server.properties changed" says more than "uploads".
  const files = keys.includes("uploads") ? changedFiles(s.oldState?.inputs?.uploads, s.newState?.inputs?.uploads) : undefined;
  const named = files ? [...keys.filter((k) => k !== "uploads"), ...files.map((f) => `${f.file.split("/").pop()} ${f.change}`)] : keys;
  return named.length ? `: ${named.sort().join(", ")}` : "";
};

function topicLine(change: Change, step: PreviewStep, name: string): string {
  const o = inputs(step, "old");
  const n = inputs(step, "new");
  const topic = String(n.name ?? o.name ?? name);
  if (change === "create") return `+ ${topic}: new, ${n.partitions} partitions, replication factor ${n.replicationFactor}`;
  if (change === "delete") return `- ${topic}: deleted with its data`;
  if (change === "replace") return `± ${topic}: deleted and re-created (its data is lost)${why(step)}`;
  const parts: string[] = [];
  if (o.partitions !== n.partitions) parts.push(`partitions ${o.partitions} → ${n.partitions}`);
  if (o.replicationFactor !== n.replicationFactor) parts.push(`replication factor ${o.replicationFactor} → ${n.replicationFactor} (replicas move)`);
  const oc = (o.config ?? {}) as Record<string, unknown>;
  const nc = (n.config ?? {}) as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(oc), ...Object.keys(nc)])].sort()) {
    if (oc[k] !== nc[k]) parts.push(`${k} ${oc[k] ?? "(default)"} → ${nc[k] ?? "(default)"}`);
  }
  return `~ ${topic}: ${parts.join(", ") || "updated"}`;
}

/** The reviewer's summary, and which data-losing changes are declared by `allowDataLoss`. */
export function summarize(steps: PreviewStep[], allowDataLoss: string[]): Summary {
  const counts: Record<Change, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  const restarts: string[] = [];
  const rolling = new Map<string, string[]>();
  const topics: string[] = [];
  const access: string[] = [];
  const dataLoss: DataLoss[] = [];
  const loss = (key: string, what: string, declaredBy?: string) =>
    dataLoss.push({ key, what, ...(declaredBy ? { declared: declaredBy } : allowDataLoss.includes(key) ? { declared: "kafka-platform:allowDataLoss" } : {}) });

  for (const r of changedResources(steps)) {
    counts[r.change]++;
    const role = ROLES.find(([re]) => re.test(r.name));
    if (NODE_TYPES.includes(r.type)) {
      const label = role ? `${role[1]} ${r.name}` : r.name;
      if (r.change === "replace" || (r.change === "update" && r.type !== "docker:index/container:Container")) {
        restarts.push(`${label} (${r.change === "replace" ? "replaced" : "rolled"}${why(r.step)})`);
        if (role) rolling.set(role[1], [...(rolling.get(role[1]) ?? []), r.name]);
      } else if (r.change === "update") restarts.push(`${label} (updated in place${why(r.step)})`);
      if (r.change === "delete" && role?.[1] === "broker") {
        loss(`broker:${r.name.replace(/^kafka-?/, "") || "all"}`, `broker ${r.name} removed: the replicas it holds go with it unless moved first`);
      }
    } else if (VOLUME_TYPES.includes(r.type) && (r.change === "delete" || r.change === "replace")) {
      loss(`volume:${r.name}`, `volume ${r.name} ${r.change === "delete" ? "deleted" : "re-created empty"}: its data is lost`);
    } else if (r.type === "kafka:index/topic:Topic") {
      topics.push(topicLine(r.change, r.step, r.name));
      const topic = String(inputs(r.step, "old").name ?? inputs(r.step, "new").name ?? r.name);
      // The program refuses these unless the topic was deployed with allowDelete: reaching the plan means declared.
      if (r.change === "delete") loss(`topic:${topic}`, `topic ${topic} deleted with its data`, "allowDelete");
      if (r.change === "replace") loss(`topic:${topic}`, `topic ${topic} deleted and re-created${why(r.step)}`, "allowDelete");
      const [o, n] = [inputs(r.step, "old").replicationFactor, inputs(r.step, "new").replicationFactor];
      if (r.change === "update" && o !== n) {
        loss(`topic:${topic}:replicationFactor`, `topic ${topic} replication factor ${o} → ${n}: replicas are moved (${Number(n) < Number(o) ? "copies are removed" : "data is copied while it runs"})`);
      }
    } else if (["kafka:index/acl:Acl", "kafka:index/quota:Quota", "kafka:index/userScramCredential:UserScramCredential"].includes(r.type)) {
      const i = { ...inputs(r.step, "old"), ...inputs(r.step, "new") };
      const sign = { create: "+", delete: "-", update: "~", replace: "±" }[r.change];
      if (r.type === "kafka:index/acl:Acl") access.push(`${sign} ACL ${i.aclPermissionType} ${i.aclPrincipal} ${i.aclOperation} ${i.aclResourceType}:${i.aclResourceName}${i.resourcePatternTypeFilter === "Prefixed" ? "*" : ""}`);
      else if (r.type === "kafka:index/quota:Quota") access.push(`${sign} quota of ${i.entityName}`);
      else access.push(`${sign} SCRAM credential of ${i.username}`);
    }
  }
  const rolls = [...rolling].map(([role, names]) => `${role}s ${names.sort().join(", ")}: one at a time${role === "broker" ? ", each waiting until every partition is in sync again" : ""}`);
  return { counts, restarts: restarts.sort(), rolls, topics: topics.sort((a, b) => a.slice(2).localeCompare(b.slice(2))), access: access.sort(), dataLoss };
}

/** The data-losing changes nobody declared: each fails the check. */
export const undeclared = (s: Summary) => s.dataLoss.filter((d) => !d.declared);
