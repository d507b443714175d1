// The smoke test as a function: what `npm run smoke` and the e2e tests run.
import { withClient } from "../clients/cluster";
import { stackClient, type StackOutputs } from "../clients/stack";
import { roundTrip, waitForDeclaredTopics, waitForWholeCluster, type RoundTrip } from "./checks";
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
  const ids = Object.keys(outputs.brokers).map(Number);
  const names = outputs.declaredTopics.map((t) => t.name);
  const topic = opts.topic ?? names[0];
  // Retries cover a fresh cluster creating __consumer_offsets on the first group (COORDINATOR_NOT_AVAILABLE for seconds).
  const rt = await withClient(stackClient(outputs, undefined, { clientId: "kp-smoke", retries: 10 }), async (client) => {
    await waitForWholeCluster(client, ids, [], timeoutMs);
    log(`brokers      ${ids.length} registered: ${Object.values(outputs.brokers).join(", ")}`);
    // Brokers learn about new topics from the controller a moment apart: a mismatch right after
    // creation is waited out, briefly; a real difference is named.
    await waitForDeclaredTopics(client, outputs.declaredTopics, Math.min(timeoutMs, 30_000));
    await waitForWholeCluster(client, ids, names, timeoutMs);
    log(`topics       ${names.length} as declared, every ISR full${names.length ? `: ${names.join(", ")}` : ""}`);
    return topic ? roundTrip(client, topic, opts.messages ?? 1000, timeoutMs) : undefined;
  });
  if (rt) {
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
  return { brokers: ids.length, topics: names.length, roundTrip: rt, security, elapsedMs: Date.now() - t0 };
}
