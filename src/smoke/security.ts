// The smoke test's security half, for secure stacks: each declared user can do what its roles
// grant, a sample of what they do not grant is refused with an authorization error, and the
// front door refuses plaintext, an untrusted CA, a wrong password and an unknown principal.
// Every refusal must come with the exact error kind (and broker code) expected, not just "failed".
// It never disturbs applications: denied probes use fresh random names, and a consumer group
// is joined (without committing) only while it has no members.
import { randomUUID } from "crypto";
import { withClient, type ClusterClient, type Identity } from "../clients/cluster";
import { ClusterError, type ErrorKind } from "../clients/errors";
import { identityOf, stackClient, type StackOutputs } from "../clients/stack";
import { expandRole, parsePattern, patternMatches } from "../model/acls";
import { createCa, issueCert } from "../model/certs";
import { ADMIN_USER } from "../model/security";
import { SmokeFailure } from "./checks";

export interface SecurityReport {
  /** "what: ok" per allowed operation tried. */
  allowed: string[];
  /** "what: refused (CODE)" per operation that had to be refused. */
  refused: string[];
}

type Outcome = { ok: true } | { ok: false; error: ClusterError };

async function attempt(client: ClusterClient, op: (c: ClusterClient) => Promise<unknown>): Promise<Outcome> {
  try {
    await withClient(client, op);
    return { ok: true };
  } catch (e) {
    if (e instanceof ClusterError) return { ok: false, error: e };
    throw e;
  }
}

async function produceOne(c: ClusterClient, topic: string): Promise<void> {
  const p = await c.producer({ idempotent: false });
  try {
    await p.send(topic, [{ key: "kp-smoke", value: "kp-smoke security check" }]);
  } finally {
    await p.close();
  }
}

/** Reads from `topic` in `group` without committing: done once a fetch came back. */
async function consumeWithoutCommit(c: ClusterClient, topic: string, group: string, timeoutMs: number): Promise<void> {
  let fetched = false;
  const stop = new AbortController();
  await c.consume({ topic, group, autoCommit: false, maxMs: timeoutMs, signal: stop.signal, onFirstFetch: () => { fetched = true; stop.abort(); }, onMessage: () => false });
  if (!fetched) throw new SmokeFailure(`no fetch from '${topic}' within ${timeoutMs} ms`);
}

export async function checkSecurity(out: StackOutputs, timeoutMs = 60_000): Promise<SecurityReport> {
  const report: SecurityReport = { allowed: [], refused: [] };
  const problems: string[] = [];
  const topics = out.declaredTopics.map((t) => t.name);
  const fresh = () => `kp-smoke-denied-${randomUUID().slice(0, 8)}`;
  const must = async (what: string, client: ClusterClient, op: (c: ClusterClient) => Promise<unknown>) => {
    const r = await attempt(client, op);
    if (r.ok) report.allowed.push(`${what}: ok`);
    else problems.push(`${what}: should be allowed, failed (${r.error.kind}): ${r.error.message}`);
  };
  const mustRefuse = async (what: string, kind: ErrorKind, code: string | undefined, client: ClusterClient, op: (c: ClusterClient) => Promise<unknown>) => {
    const r = await attempt(client, op);
    if (r.ok) problems.push(`${what}: should be refused, was ACCEPTED`);
    else if (r.error.kind !== kind || (code && r.error.code !== code)) problems.push(`${what}: should be refused with ${kind}${code ? ` ${code}` : ""}, got ${r.error.kind} ${r.error.code ?? ""}: ${r.error.message}`);
    else report.refused.push(`${what}: refused (${kind === "authorization" ? r.error.code : `${kind}, ${r.error.code}`})`);
  };
  const base = stackClient(out, undefined, { clientId: "kp-smoke-security" });
  // Refusals should come at once: no retries (one for a group: kafkajs needs it to even ask).
  const as = (id: Identity | undefined, principal: string, refusing = false) => base.as(id, principal, refusing ? { retries: 1 } : {});

  for (const user of out.principals ?? []) {
    const id = identityOf(out, user.name);
    const kafka = () => as(id, user.name);
    const refusing = () => as(id, user.name, true);
    const grants = user.roles.flatMap((r) => expandRole(user.name, r));
    const granted = (type: string, op: string, name: string) =>
      grants.some((g) => g.resourceType === type && (g.operation === op || g.operation === "All") && patternMatches({ name: g.resourceName, pattern: g.pattern }, name));
    for (const role of user.roles) {
      if (role.role === "producer") {
        const topic = topics.find((t) => patternMatches(parsePattern(role.topic), t));
        if (topic) await must(`${user.name} produces to ${topic}`, kafka(), (c) => produceOne(c, topic));
      } else if (role.role === "consumer") {
        const topic = topics.find((t) => patternMatches(parsePattern(role.topic), t));
        const g = parsePattern(role.group);
        const group = g.pattern === "Prefixed" ? `${g.name}kp-smoke` : g.name;
        if (!topic) continue;
        const { state } = await withClient(kafka(), (c) => c.describeGroup(group));
        if (state === "Empty" || state === "Dead") {
          await must(`${user.name} consumes ${topic} in group ${group}`, kafka(), (c) => consumeWithoutCommit(c, topic, group, timeoutMs));
        } else {
          // The application is consuming: do not join (that would rebalance it); read its offsets.
          await must(`${user.name} reads offsets of busy group ${group}`, kafka(), (c) => c.groupOffsets(group, topic));
        }
      }
    }
    if (user.roles.some((r) => r.role === "admin")) continue; // nothing to refuse
    if (user.roles.some((r) => r.role === "monitor")) {
      // Sees metadata and offsets; may not read a record, write one, or change anything.
      const topic = topics[0];
      await must(`${user.name} describes the cluster`, kafka(), (c) => c.listTopics());
      const group = fresh();
      await must(`${user.name} reads offsets of group ${group}`, kafka(), (c) => c.groupOffsets(group, topic ?? group));
      if (topic) {
        await mustRefuse(`${user.name} consumes ${topic}`, "authorization", "GROUP_AUTHORIZATION_FAILED", refusing(), (c) => consumeWithoutCommit(c, topic, fresh(), timeoutMs));
        await mustRefuse(`${user.name} produces to ${topic}`, "authorization", "TOPIC_AUTHORIZATION_FAILED", refusing(), (c) => produceOne(c, topic));
      }
      const other = fresh();
      await mustRefuse(`${user.name} creates topic ${other}`, "authorization", "TOPIC_AUTHORIZATION_FAILED", refusing(), (c) => c.createTopic(other));
      continue;
    }
    const other = fresh();
    await mustRefuse(`${user.name} produces to ${other}`, "authorization", "TOPIC_AUTHORIZATION_FAILED", refusing(), (c) => produceOne(c, other));
    await mustRefuse(`${user.name} creates topic ${other}`, "authorization", "TOPIC_AUTHORIZATION_FAILED", refusing(), (c) => c.createTopic(other));
    await mustRefuse(`${user.name} reads offsets of group ${other}`, "authorization", "GROUP_AUTHORIZATION_FAILED", refusing(), (c) => c.groupOffsets(other, topics[0] ?? other));
    const readOnly = topics.find((t) => granted("Topic", "Read", t) && !granted("Topic", "Write", t));
    if (readOnly) await mustRefuse(`${user.name} produces to ${readOnly}`, "authorization", "TOPIC_AUTHORIZATION_FAILED", refusing(), (c) => produceOne(c, readOnly));
  }

  // The front door, with the same bootstrap servers.
  const admin = identityOf(out, ADMIN_USER)!;
  const stranger = await createCa("kp-smoke-untrusted-ca", 1);
  const listTopics = (c: ClusterClient) => c.listTopics();
  await mustRefuse("plaintext client on the TLS listener", "tls", undefined, as(undefined, "anonymous", true), listTopics);
  await mustRefuse("client trusting another CA", "tls", undefined, as({ ...admin, ca: stranger.certPem }, ADMIN_USER, true), listTopics);
  if (admin.scram) {
    await mustRefuse("admin with a wrong password", "authentication", undefined, as({ ...admin, scram: { ...admin.scram, password: `${admin.scram.password}x` } }, ADMIN_USER, true), listTopics);
    const nobody = `kp-smoke-${randomUUID().slice(0, 8)}`;
    await mustRefuse("unknown user", "authentication", undefined, as({ ...admin, scram: { username: nobody, password: "not-a-user" } }, nobody, true), listTopics);
  } else {
    const foreign = await issueCert(stranger, { commonName: ADMIN_USER, dnsNames: [], ipAddresses: [], validityDays: 1, usages: ["client"] });
    await mustRefuse("client without a certificate", "authentication", undefined, as({ ca: admin.ca }, "anonymous", true), listTopics);
    await mustRefuse("unknown principal, CN=admin from another CA", "authentication", undefined,
      as({ ca: admin.ca, certificate: foreign.certPem, privateKey: foreign.keyPem }, "CN=admin (another CA)", true), listTopics);
  }
  if (problems.length) throw new SmokeFailure(`security: ${problems.join("; ")}`);
  return report;
}
