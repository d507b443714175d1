// The smoke test's security half, for secure stacks: each declared user can do what its roles
// grant, a sample of what they do not grant is refused with an authorization error, and the
// front door refuses plaintext, an untrusted CA, a wrong password and an unknown principal.
// It never disturbs applications: denied probes use fresh random names, and a consumer group
// is joined (without committing) only while it has no members.
import { randomUUID } from "node:crypto";
import type { Kafka } from "kafkajs";
import { kafkaClient, type TlsIdentity } from "../clients/kafka";
import { userTls, type StackOutputs } from "../clients/stack";
import { createCa, issueCert } from "../model/certs";
import { expandRole, parsePattern, patternMatches } from "../model/acls";
import { SmokeFailure } from "./checks";

export interface SecurityReport {
  /** "what: ok" per allowed operation tried. */
  allowed: string[];
  /** "what: refused (reason)" per operation that had to be refused. */
  refused: string[];
}

type Outcome = { ok: true } | { ok: false; error: string };
type Typed = Error & { type?: string; errors?: Typed[]; cause?: Typed };

/** Error types the brokers answered with, as kafkajs logged them (it hides some behind its own). */
const answered: string[] = [];
const captureAnswers: NonNullable<Parameters<typeof kafkaClient>[0]["logCreator"]> = () => ({ log }) => {
  const type = (log as { error?: Typed }).error?.type;
  if (type) answered.push(type);
};

async function attempt(op: () => Promise<unknown>): Promise<Outcome> {
  answered.length = 0;
  try {
    await op();
    return { ok: true };
  } catch (e) {
    const err = e as Typed;
    const types = [...new Set([err.type, err.cause?.type, ...(err.errors ?? []).map((x) => x.type), ...answered].filter(Boolean))];
    return { ok: false, error: `${err.name}${types.length ? ` ${types.join(",")}` : ""}: ${err.message}` };
  }
}

/** `refusing`: no patience (one retry: kafkajs needs it to even ask for a group) and answers captured. */
const client = (out: StackOutputs, tls: TlsIdentity | undefined, refusing = false): Kafka =>
  kafkaClient({
    bootstrapServers: out.bootstrapServers.split(","), tls, clientId: "kp-smoke-security",
    ...(refusing ? { retries: 1, logCreator: captureAnswers } : {}),
  });

async function produceOne(kafka: Kafka, topic: string): Promise<void> {
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  try {
    await p.send({ topic, acks: -1, messages: [{ key: "kp-smoke", value: "kp-smoke security check" }] });
  } finally {
    await p.disconnect();
  }
}

async function withAdmin<T>(kafka: Kafka, fn: (a: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
  const a = kafka.admin();
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.disconnect();
  }
}

/** Reads from `topic` in `group` without committing: done once a fetch came back. */
async function consumeWithoutCommit(kafka: Kafka, topic: string, group: string, timeoutMs: number): Promise<void> {
  const c = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  let timer: NodeJS.Timeout | undefined;
  try {
    await c.connect();
    const fetched = new Promise<void>((resolve, reject) => {
      c.on(c.events.FETCH, () => resolve());
      c.on(c.events.CRASH, (e) => reject(e.payload.error));
      timer = setTimeout(() => reject(new SmokeFailure(`no fetch from '${topic}' within ${timeoutMs} ms`)), timeoutMs);
    });
    await c.subscribe({ topics: [topic], fromBeginning: false });
    await c.run({ autoCommit: false, eachMessage: async () => undefined });
    await fetched;
  } finally {
    clearTimeout(timer);
    await c.disconnect().catch(() => undefined);
  }
}

export async function checkSecurity(out: StackOutputs, timeoutMs = 60_000): Promise<SecurityReport> {
  const report: SecurityReport = { allowed: [], refused: [] };
  const problems: string[] = [];
  const topics = out.declaredTopics.map((t) => t.name);
  const fresh = () => `kp-smoke-denied-${randomUUID().slice(0, 8)}`;
  const must = async (what: string, op: () => Promise<unknown>) => {
    const r = await attempt(op);
    if (r.ok) report.allowed.push(`${what}: ok`);
    else problems.push(`${what}: should be allowed, failed with ${r.error}`);
  };
  const mustRefuse = async (what: string, expect: RegExp, op: () => Promise<unknown>) => {
    const r = await attempt(op);
    if (r.ok) problems.push(`${what}: should be refused, was ACCEPTED`);
    else if (!expect.test(r.error)) problems.push(`${what}: refused, but not as expected (${r.error})`);
    else report.refused.push(`${what}: refused (${/[A-Z_]+_FAILED/.exec(r.error)?.[0] ?? r.error.slice(0, 100)})`);
  };
  const AUTHZ = /[A-Z]+_AUTHORIZATION_FAILED/;

  for (const user of out.principals ?? []) {
    const id = userTls(out, user.name);
    if (!id) { problems.push(`user ${user.name}: no credentials in the stack outputs`); continue; }
    const kafka = client(out, id);
    const refusing = client(out, id, true);
    const grants = user.roles.flatMap((r) => expandRole(user.name, r));
    const granted = (type: string, op: string, name: string) =>
      grants.some((g) => g.resourceType === type && (g.operation === op || g.operation === "All") && patternMatches({ name: g.resourceName, pattern: g.pattern }, name));
    for (const role of user.roles) {
      if (role.role === "producer") {
        const topic = topics.find((t) => patternMatches(parsePattern(role.topic), t));
        if (topic) await must(`${user.name} produces to ${topic}`, () => produceOne(kafka, topic));
      } else if (role.role === "consumer") {
        const topic = topics.find((t) => patternMatches(parsePattern(role.topic), t));
        const g = parsePattern(role.group);
        const group = g.pattern === "Prefixed" ? `${g.name}kp-smoke` : g.name;
        if (!topic) continue;
        const state = await withAdmin(kafka, async (a) => (await a.describeGroups([group])).groups[0]?.state);
        if (state === "Empty" || state === "Dead" || state === undefined) {
          await must(`${user.name} consumes ${topic} in group ${group}`, () => consumeWithoutCommit(kafka, topic, group, timeoutMs));
        } else {
          // The application is consuming: do not join (that would rebalance it); read its offsets.
          await must(`${user.name} reads offsets of busy group ${group}`, () => withAdmin(kafka, (a) => a.fetchOffsets({ groupId: group, topics: [topic] })));
        }
      }
    }
    if (user.roles.some((r) => r.role === "admin")) continue; // nothing to refuse
    const other = fresh();
    await mustRefuse(`${user.name} produces to ${other}`, AUTHZ, () => produceOne(refusing, other));
    await mustRefuse(`${user.name} creates topic ${other}`, AUTHZ, () => withAdmin(refusing, (a) => a.createTopics({ topics: [{ topic: other }] })));
    await mustRefuse(`${user.name} reads offsets of group ${other}`, AUTHZ, () => withAdmin(refusing, (a) => a.fetchOffsets({ groupId: other, topics: [] })));
    const readOnly = topics.find((t) => granted("Topic", "Read", t) && !granted("Topic", "Write", t));
    if (readOnly) await mustRefuse(`${user.name} produces to ${readOnly}`, AUTHZ, () => produceOne(refusing, readOnly));
  }

  // The front door, with the same bootstrap servers.
  const admin = userTls(out, "admin");
  if (admin) {
    const stranger = await createCa("kp-smoke-untrusted-ca", 1);
    const connect = (tls: TlsIdentity | undefined, plain = false) => () =>
      withAdmin(client(out, plain ? undefined : tls, true), (a) => a.listTopics());
    await mustRefuse("plaintext client on the TLS listener", /Connection|closed|timeout|ECONNRESET/i, connect(undefined, true));
    await mustRefuse("client trusting another CA", /certificate|self.signed|verify|issuer/i, connect({ ...admin, ca: stranger.certPem }));
    if (admin.scram) {
      await mustRefuse("admin with a wrong password", /SASL|authenticat/i, connect({ ...admin, scram: { username: admin.scram.username, password: `${admin.scram.password}x` } }));
      await mustRefuse("unknown user", /SASL|authenticat/i, connect({ ...admin, scram: { username: `kp-smoke-${randomUUID().slice(0, 8)}`, password: "not-a-user" } }));
    } else {
      const foreign = await issueCert(stranger, { commonName: "admin", dnsNames: [], ipAddresses: [], validityDays: 1, usages: ["client"] });
      await mustRefuse("client without a certificate", /Connection|closed|certificate|handshake|ECONNRESET|alert/i, connect({ ca: admin.ca }));
      await mustRefuse("unknown principal, CN=admin from another CA", /Connection|closed|certificate|handshake|ECONNRESET|alert|unknown ca/i,
        connect({ ca: admin.ca, certificate: foreign.certPem, privateKey: foreign.keyPem }));
    }
  }
  if (problems.length) throw new SmokeFailure(`security: ${problems.join("; ")}`);
  return report;
}
