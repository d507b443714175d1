// The smoke test as a function: what `npm run smoke` and the e2e tests run.
import { adminTls, type StackOutputs } from "../clients/stack";
import { stackClient } from "../clients/kafka";
import { waitFor } from "../util/wait";
import { checkTopics, roundTrip, SmokeFailure, waitForBrokers, waitForFullIsr, type RoundTrip } from "./checks";
import { checkSecurity, type SecurityReport } from "./security";

export interface SmokeOptions {
  messages?: number;
  /** Topic to produce to; defaults to the first declared topic. */
  topic?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface SmokeReport {
  brokers: number;
  topics: number;
  roundTrip?: RoundTrip;
  /** Secure stacks only. */
  security?: SecurityReport;
  elapsedMs: number;
}

export async function smoke(outputs: StackOutputs, opts: SmokeOptions = {}): Promise<SmokeReport> {
  const log = opts.log ?? (() => undefined);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const t0 = Date.now();
  const kafka = stackClient(outputs, adminTls(outputs), "kp-smoke");
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ids = Object.keys(outputs.brokers).map(Number);
    await waitForBrokers(admin, ids, timeoutMs);
    log(`brokers      ${ids.length} registered: ${Object.values(outputs.brokers).join(", ")}`);
    const names = outputs.declaredTopics.map((t) => t.name);
    // Brokers learn about new topics from the controller a moment apart: a mismatch (or a
    // retriable "unknown topic" from one broker) right after creation is retried, briefly.
    let problems: string[] = [];
    await waitFor(async () => {
      problems = await checkTopics(admin, outputs.declaredTopics);
      return problems.length === 0;
    }, { what: "topics to match the declaration", timeoutMs: Math.min(timeoutMs, 30_000) }).catch((e) => {
      throw problems.length > 0 ? new SmokeFailure(problems.join("; ")) : e;
    });
    await waitForFullIsr(admin, names, timeoutMs);
    log(`topics       ${names.length} as declared, every ISR full${names.length ? `: ${names.join(", ")}` : ""}`);
  } finally {
    await admin.disconnect();
  }
  const topic = opts.topic ?? outputs.declaredTopics[0]?.name;
  let rt: RoundTrip | undefined;
  if (topic) {
    rt = await roundTrip(kafka, topic, opts.messages ?? 1000, timeoutMs);
    log(`round trip   ${rt.messages} keyed messages on '${rt.topic}', acks=all, produced in ${rt.produceMs} ms; ` +
      `order and content verified; latency p50 ${rt.latencyMs.p50} ms, p95 ${rt.latencyMs.p95} ms, max ${rt.latencyMs.max} ms`);
  } else {
    log("round trip   skipped: the stack declares no topic");
  }
  let security: SecurityReport | undefined;
  if (outputs.caCertificate) {
    security = await checkSecurity(outputs, timeoutMs);
    for (const a of security.allowed) log(`allowed      ${a}`);
    for (const r of security.refused) log(`refused      ${r}`);
  }
  return { brokers: Object.keys(outputs.brokers).length, topics: outputs.declaredTopics.length, roundTrip: rt, security, elapsedMs: Date.now() - t0 };
}
