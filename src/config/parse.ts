// Turns raw stack config and a topology document into an EstateSpec, or throws one
// ConfigError listing every problem with its key and value. Pure: no Pulumi, no I/O.
import { Issues, NS, show } from "./issues";
import { checkSecureMirrors, parseMirrorMaker, parseMirrorReaders, parseMirrors, parseSite } from "./mirror";
import { parseMonitoring } from "./monitoring";
import { checkReplication } from "./replication";
import { parseEnvironment, parsePrincipals, parseSecurity } from "./security";
import { checkTopicConfig } from "./topic-configs";
import { parseTarget } from "./target";
import type { EstateSpec, KafkaSpec, TopicSpec, ZooKeeperSpec } from "../model/spec";

export const DEFAULT_KAFKA_VERSION = "3.9.2";

export interface RawEstate {
  project: string;
  stack: string;
  /** Stack config of the project's namespace, keys without the namespace, objects parsed. */
  config: Record<string, unknown>;
  /** The parsed topology document (stacks/<stack>/topology.yaml), or undefined if none. */
  topology: unknown;
  /** Where the topology came from, for messages. */
  topologySource: string;
}

const CONFIG_KEYS = ["target", "environment", "site", "security", "kafka", "zookeeper", "docker", "kubernetes", "monitoring", "mirrorMaker", "topology", "userPasswords", "allowDataLoss"] as const;
/** Broker settings the platform renders itself; declaring them would break the cluster. */
const MANAGED_BROKER_KEYS = [
  "broker.id", "listeners", "advertised.listeners", "listener.security.protocol.map",
  "inter.broker.listener.name", "zookeeper.connect", "log.dirs", "process.roles", "node.id",
];
/** Security settings are the platform's too: a brokerConfig line must not weaken them. */
const MANAGED_BROKER_PREFIXES = ["ssl.", "sasl.", "listener.name.", "authorizer.", "super.users", "allow.everyone.if.no.acl.found", "zookeeper.ssl", "zookeeper.set.acl"];
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function parseEstate(raw: RawEstate): EstateSpec {
  const issues = new Issues();
  const key = (k: string) => `${NS}:${k}`;
  for (const k of Object.keys(raw.config)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(k)) issues.add(key(k), `unknown key (known: ${CONFIG_KEYS.join(", ")})`);
  }

  const environment = parseEnvironment(issues, raw.config.environment);
  const security = parseSecurity(issues, raw.config.security, environment);
  const kafka = parseKafka(issues, raw.config.kafka ?? {});
  const zookeeper = parseZooKeeper(issues, raw.config.zookeeper ?? {});
  const target = parseTarget(issues, raw.config, raw.stack, environment, kafka?.brokers, zookeeper?.replicas);
  const monitoring = parseMonitoring(issues, raw.config.monitoring);
  const topics = parseTopology(issues, raw.topology, raw.topologySource, kafka?.brokers);
  const doc = raw.topology && typeof raw.topology === "object" && !Array.isArray(raw.topology) ? (raw.topology as Record<string, unknown>) : {};
  if (kafka) checkReplication(issues, kafka, topics);
  const { users, groups } = parsePrincipals(issues, doc, raw.topologySource, topics, security);
  checkUserPasswords(issues, raw.config.userPasswords, users.map((u) => u.name), security);
  const site = parseSite(issues, raw.config.site, raw.stack);
  const mirrorMaker = parseMirrorMaker(issues, raw.config.mirrorMaker);
  const flows = parseMirrors(issues, doc.mirrors, raw.topologySource, site, topics);
  const mirrored = flows.length > 0 || (Array.isArray(doc.mirrors) && doc.mirrors.length > 0);
  const readers = parseMirrorReaders(issues, doc.mirrorReaders, raw.topologySource, site, topics, security);
  if (mirrored && security?.enabled) checkSecureMirrors(issues, raw.topologySource, flows, security);
  if (mirrored && target?.kind === "docker" && !target.siteNetwork) {
    issues.add(`${NS}:docker.siteNetwork`, `is unset, and ${raw.topologySource} declares mirrors: set the network that links the sites (e.g. kp-sites)`);
  }

  const allowDataLoss = parseAllowDataLoss(issues, raw.config.allowDataLoss);

  issues.throwIfAny();
  return {
    project: raw.project,
    stack: raw.stack,
    name: `kp-${raw.stack}`,
    target: target!,
    environment: environment!,
    security: security!,
    kafka: kafka!,
    zookeeper: zookeeper!,
    monitoring: monitoring!,
    topics,
    users,
    groups,
    site: site!,
    mirror: { ...mirrorMaker!, flows, readers },
    topologySource: raw.topologySource,
    allowDataLoss,
  };
}

/** Data-losing changes a reviewer accepted, by the key `npm run preview` prints: broker:3, volume:kafka-3-data, topic:audit:replicationFactor. */
function parseAllowDataLoss(issues: Issues, v: unknown): string[] {
  const w = `${NS}:allowDataLoss`;
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    issues.add(w, `${show(v)} is not a list`);
    return [];
  }
  v.forEach((k: unknown, i: number) => {
    if (typeof k !== "string" || !/^(broker:\d+|volume:[a-zA-Z0-9._-]+|topic:[a-zA-Z0-9._-]+:replicationFactor)$/.test(k)) {
      issues.add(`${w}[${i}]`, `${show(k)} is not broker:N, volume:NAME or topic:NAME:replicationFactor (the keys npm run preview prints)`);
    }
  });
  return v.filter((k): k is string => typeof k === "string");
}

/** userPasswords (a secret object): keys must be declared users; values are never shown. */
function checkUserPasswords(issues: Issues, v: unknown, users: string[], security?: { enabled: boolean; clientAuth: string }): void {
  if (v === undefined) return;
  const w = `${NS}:userPasswords`;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    issues.add(w, "is not a mapping of user → password (set with `pulumi config set --secret --path`)");
    return;
  }
  if (security && (!security.enabled || security.clientAuth !== "scram")) issues.add(w, "passwords are used only with security.clientAuth scram");
  for (const [user, pw] of Object.entries(v)) {
    if (!users.includes(user)) issues.add(`${w}.${user}`, `is not a declared user (users: ${users.join(", ") || "none"})`);
    else if (typeof pw !== "string" || pw.length < 12) issues.add(`${w}.${user}`, "(secret) must be a string of at least 12 characters");
  }
}

function parseKafka(issues: Issues, v: unknown): KafkaSpec | undefined {
  const w = `${NS}:kafka`;
  const o = issues.object(w, v, ["version", "mode", "brokers", "heapMb", "image", "brokerConfig", "rollStepTimeoutSeconds", "reassignThrottleBytesPerSecond"]);
  if (!o) return undefined;
  const version = issues.str(`${w}.version`, o.version ?? DEFAULT_KAFKA_VERSION, /^\d+\.\d+\.\d+$/, "MAJOR.MINOR.PATCH");
  const mode = o.mode ?? "zookeeper";
  if (mode !== "zookeeper") issues.add(`${w}.mode`, `${show(mode)} is not supported (only zookeeper)`);
  if (version) {
    const [major] = version.split(".").map(Number);
    if (major >= 4) issues.add(`${w}.version`, `${show(version)} has no ZooKeeper mode (it ended with Kafka 3.9.x)`);
    else if (major < 3) issues.add(`${w}.version`, `${show(version)} is older than the supported 3.x line`);
  }
  const brokers = issues.int(`${w}.brokers`, o.brokers ?? 3, 1, 9);
  const heapMb = issues.int(`${w}.heapMb`, o.heapMb ?? 512, 128, 8192);
  const image = issues.str(`${w}.image`, o.image ?? `kafka-platform/kafka:${version ?? DEFAULT_KAFKA_VERSION}`);
  const rollStepTimeoutSeconds = issues.int(`${w}.rollStepTimeoutSeconds`, o.rollStepTimeoutSeconds ?? 600, 10, 7200);
  const reassignThrottleBytesPerSecond = issues.int(`${w}.reassignThrottleBytesPerSecond`, o.reassignThrottleBytesPerSecond ?? 10 * 1024 * 1024, 1024 * 1024, 1024 * 1024 * 1024);
  const brokerConfig: Record<string, string> = {};
  const bc = o.brokerConfig === undefined ? {} : issues.object(`${w}.brokerConfig`, o.brokerConfig, Object.keys(o.brokerConfig as object ?? {}));
  for (const [k, val] of Object.entries(bc ?? {})) {
    if (MANAGED_BROKER_KEYS.includes(k) || MANAGED_BROKER_PREFIXES.some((p) => k.startsWith(p))) issues.add(`${w}.brokerConfig.${k}`, "is managed by the platform and cannot be set");
    else if (!/^[a-z][a-z0-9.-]*$/.test(k)) issues.add(`${w}.brokerConfig.${k}`, "is not a Kafka config name");
    else if (!["string", "number", "boolean"].includes(typeof val)) issues.add(`${w}.brokerConfig.${k}`, `${show(val)} is not a scalar`);
    else brokerConfig[k] = String(val);
  }
  if (!version || brokers === undefined || heapMb === undefined || !image || mode !== "zookeeper" || rollStepTimeoutSeconds === undefined || reassignThrottleBytesPerSecond === undefined) return undefined;
  return { version, mode: "zookeeper", brokers, heapMb, image, brokerConfig, rollStepTimeoutSeconds, reassignThrottleBytesPerSecond };
}

function parseZooKeeper(issues: Issues, v: unknown): ZooKeeperSpec | undefined {
  const w = `${NS}:zookeeper`;
  const o = issues.object(w, v, ["replicas", "heapMb"]);
  if (!o) return undefined;
  const replicas = issues.int(`${w}.replicas`, o.replicas ?? 3, 1, 5);
  if (replicas !== undefined && replicas % 2 === 0) {
    issues.add(`${w}.replicas`, `${replicas} is even: an ensemble needs a strict majority, use 1, 3 or 5`);
  }
  const heapMb = issues.int(`${w}.heapMb`, o.heapMb ?? 256, 64, 4096);
  if (replicas === undefined || replicas % 2 === 0 || heapMb === undefined) return undefined;
  return { replicas, heapMb };
}

function parseTopology(issues: Issues, doc: unknown, source: string, brokers?: number): TopicSpec[] {
  if (doc === undefined || doc === null) return [];
  const o = issues.object(source, doc, ["topics", "users", "groups", "mirrors", "mirrorReaders"]);
  if (!o || o.topics === undefined) return [];
  if (!Array.isArray(o.topics)) {
    issues.add(`${source}: topics`, `${show(o.topics)} is not a list`);
    return [];
  }
  const topics: TopicSpec[] = [];
  const byName = new Map<string, number>();
  const byCollisionKey = new Map<string, string>();
  o.topics.forEach((t: unknown, i: number) => {
    const at = `topics[${i}]`;
    const name = (t as { name?: unknown })?.name;
    const w = typeof name === "string" ? `topic '${name}'` : at;
    const spec = issues.object(w, t, ["name", "partitions", "replicationFactor", "config", "allowDelete"]);
    if (!spec) return;
    let ok = true;
    if (typeof name !== "string" || !TOPIC_NAME.test(name) || name === "." || name === "..") {
      issues.add(at, `invalid topic name ${show(name)} (1–249 of a-z A-Z 0-9 . _ -, not '.' or '..')`);
      ok = false;
    } else if (name.startsWith("__")) {
      issues.add(w, "names starting with '__' are reserved for Kafka's internal topics");
      ok = false;
    } else if (byName.has(name)) {
      issues.add(at, `duplicate topic name '${name}' (also topics[${byName.get(name)}])`);
      ok = false;
    } else {
      byName.set(name, i);
      // Kafka's metric names map '.' to '_', so these two names would collide.
      const ck = name.replace(/\./g, "_");
      const other = byCollisionKey.get(ck);
      if (other) {
        issues.add(w, `collides with topic '${other}' ('.' and '_' are the same in Kafka metric names)`);
        ok = false;
      }
      byCollisionKey.set(ck, name);
    }
    const partitions = issues.int(`${w}: partitions`, spec.partitions, 1, 10000);
    const rf = issues.int(`${w}: replicationFactor`, spec.replicationFactor, 1, 9);
    if (rf !== undefined && brokers !== undefined && rf > brokers) {
      issues.add(w, `replicationFactor ${rf} > brokers ${brokers}`);
      ok = false;
    }
    const allowDelete = spec.allowDelete === undefined ? false : issues.bool(`${w}: allowDelete`, spec.allowDelete);
    const config: Record<string, string> = {};
    const cfg = spec.config === undefined ? {} : issues.object(`${w}: config`, spec.config, Object.keys(spec.config as object ?? {}));
    for (const [k, v] of Object.entries(cfg ?? {})) {
      const r = checkTopicConfig(k, v);
      if ("problem" in r) {
        issues.add(w, r.problem.startsWith("unknown") ? r.problem : `config '${k}' ${r.problem}`);
        ok = false;
      } else config[k] = r.value;
    }
    if (ok && partitions !== undefined && rf !== undefined && allowDelete !== undefined && typeof name === "string") {
      topics.push({ name, partitions, replicationFactor: rf, config, allowDelete });
    }
  });
  return topics;
}
