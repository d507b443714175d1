// Issue 4 (rotation) on real Docker: bumping `security.tls.rotation` is one `pulumi up` that makes
// a new CA and new certificates and restarts the brokers one at a time (each back in sync before
// the next goes), while a TLS client that was configured with the OLD CA keeps producing, and
// nothing it was told was written is lost.
import { spawn } from "node:child_process";
import * as tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, withClient, type ProducerHandle } from "../../src/clients/cluster";
import { waitUntil } from "../../src/clients/wait";
import { uniqueName } from "../support/exec";
import { portBlock } from "../support/ports";
import { TestStack } from "../support/stack";

const stackName = uniqueName("rot").replace(/-/g, "");
const firstBrokerPort = portBlock("docker-rotation");
const bootstrap = [0, 1, 2].map((i) => `127.0.0.1:${firstBrokerPort + i}`);
const TOPIC = "payments";

interface DockerEvent { t: number; action: string; name: string; role: string }

/** Container events of the stack, streamed (Docker keeps only a few hundred in memory). */
function watchEvents(): { events: DockerEvent[]; stop: () => void } {
  const events: DockerEvent[] = [];
  const p = spawn("docker", ["events", "--filter", `label=kafka-platform.stack=${stackName}`, "--filter", "type=container", "--format", "{{json .}}"]);
  let buf = "";
  p.stdout.on("data", (d) => {
    buf += d;
    const lines = buf.split("\n");
    buf = lines.pop()!;
    for (const l of lines) {
      const e = JSON.parse(l);
      if (String(e.Action).startsWith("exec_")) continue;
      events.push({ t: e.timeNano / 1e6, action: e.Action, name: e.Actor.Attributes.name, role: e.Actor.Attributes["kafka-platform.role"] });
    }
  });
  return { events, stop: () => p.kill() };
}

/** Sends one message at a time, as fast as acks=all allows, until stopped; counts what failed. */
function keepProducing(producer: ProducerHandle) {
  const acked: string[] = [];
  const failures: string[] = [];
  const ackTimes: number[] = [];
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const value = `m-${i}`;
      try {
        await producer.send(TOPIC, [{ key: String(i % 12), value }]);
        acked.push(value);
        ackTimes.push(Date.now());
      } catch (e) {
        failures.push(`${value}: ${(e as Error).name} ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { acked, failures, ackTimes, stop: async () => { running = false; await done; } };
}

function peerIssuer(port: number, ca: string[]): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      resolve(`ok ${s.getPeerCertificate().issuer.CN}`);
      s.end();
    });
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe("certificate rotation on a secure 3-broker cluster on Docker", () => {
  let s: TestStack;
  let oldCa: string;
  let shopPassword: string;
  let adminPassword: string;

  beforeAll(() => {
    s = new TestStack(stackName, {
      target: "docker",
      environment: "production",
      security: { clientAuth: "scram", tls: { validityDays: 30, renewBeforeDays: 7 } },
      kafka: { brokers: 3, heapMb: 384 },
      zookeeper: { replicas: 1, heapMb: 128 },
      docker: { bindAddress: "127.0.0.1", firstBrokerPort },
      // Monitoring has its own e2e file (docker-monitoring): this one stays about the cluster.
      monitoring: { enabled: false },
    }, {
      topics: [{ name: TOPIC, partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": 2 } }],
      users: [{ name: "shop", roles: [{ role: "producer", topic: TOPIC }] }],
    });
  });

  afterAll(() => s?.cleanup(), 400_000);

  it("comes up secure, with the first CA", () => {
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const out = s.secretOutputs();
    oldCa = out.caCertificate;
    shopPassword = out.users.shop.password;
    adminPassword = out.users.admin.password;
    expect(oldCa).toMatch(/^-----BEGIN CERTIFICATE-----/);
  }, 300_000);

  it("rotates CA and certificates in one `pulumi up`, brokers one at a time, while an old-CA client keeps producing", async () => {
    const client = new ClusterClient({
      bootstrapServers: bootstrap, clientId: "rotation-e2e", principal: "shop",
      identity: { ca: oldCa, scram: { username: "shop", password: shopPassword } }, // never told about the new CA
      // What a production client has anyway: retries that outlast a leader moving.
      retries: 10,
    });
    const producer = await client.producer({ idempotent: false });
    const watch = watchEvents();
    const load = keepProducing(producer);
    const acks = (n: number, what: string) => waitUntil({
      what, probe: async () => load.acked.length, done: (k) => k >= n, describe: (k) => `${k} acked, failures: ${load.failures.slice(-3).join("; ") || "none"}`, timeoutMs: 60_000,
    });
    await acks(50, "the producer to be going before the up");
    const before = load.acked.length;

    s.setConfig("security", { clientAuth: "scram", tls: { validityDays: 30, renewBeforeDays: 7, rotation: 1 } });
    const started = Date.now();
    const up = await s.pulumiAsync(["up", "--yes", "--skip-preview"]);
    const upSeconds = (Date.now() - started) / 1000;
    try {
      await acks(load.acked.length + 50, "the producer to go on after the up");
    } finally {
      await load.stop();
      await client.close();
      watch.stop();
    }
    expect(up.code, up.stdout + up.stderr).toBe(0);

    // Brokers went one at a time: each stopped only after the one before was healthy again.
    const ev = watch.events;
    const timeline = (role: string) => [...new Set(ev.filter((e) => e.role === role).map((e) => e.name))].sort().map((name) => ({
      name,
      die: ev.find((e) => e.name === name && e.action === "die")?.t ?? NaN,
      healthy: ev.filter((e) => e.name === name && e.action === "health_status: healthy").at(-1)?.t ?? NaN,
    }));
    const brokers = timeline("kafka");
    const t0 = Math.min(...ev.map((e) => e.t));
    console.log(`rotation: up ${upSeconds.toFixed(1)} s; brokers down→healthy (s from first event): ${brokers
      .map((b) => `${b.name.replace(/.*-/, "#")} ${((b.die - t0) / 1000).toFixed(1)}→${((b.healthy - t0) / 1000).toFixed(1)}`).join(", ")}`);
    expect(brokers).toHaveLength(3);
    for (const b of brokers) expect(b.healthy, b.name).toBeGreaterThan(b.die);
    for (let i = 1; i < brokers.length; i++) expect(brokers[i].die, brokers[i].name).toBeGreaterThan(brokers[i - 1].healthy);

    // The client kept producing: no send failed, and acks kept coming during the roll.
    const gaps = load.ackTimes.slice(1).map((t, i) => t - load.ackTimes[i]);
    const maxGap = Math.max(...gaps);
    console.log(`rotation: ${load.acked.length} messages acked (${before} before the up), ${load.failures.length} failed, longest gap between acks ${maxGap} ms`);
    expect(load.failures).toEqual([]);
    expect(load.acked.length).toBeGreaterThan(before + 100);

    // Nothing acknowledged was lost.
    const seen = new Set<string>();
    await withClient(new ClusterClient({
      bootstrapServers: bootstrap, clientId: "rotation-e2e-check", principal: "admin",
      identity: { ca: oldCa, scram: { username: "admin", password: adminPassword } },
    }), (c) => c.consume({
      topic: TOPIC, group: `check-${stackName}`, fromBeginning: true, maxMs: 60_000, firstFetchTimeoutMs: 60_000,
      onMessage: (m) => { seen.add(m.value); return seen.size >= load.acked.length && load.acked.every((v) => seen.has(v)); },
    }));
    expect(load.acked.filter((v) => !seen.has(v))).toEqual([]);
  }, 600_000);

  it("serves certificates of the new CA, which clients of either CA accept, and a second up changes nothing", async () => {
    const out = s.secretOutputs();
    const newCa: string = out.caCertificate;
    expect(newCa).not.toBe(oldCa);
    // The pasted profile trusts both CAs during the transition.
    expect(out.connectionProfiles.shop.kafkajs.ssl.ca.join("")).toBe(newCa + oldCa);
    for (let i = 0; i < 3; i++) {
      expect(await peerIssuer(firstBrokerPort + i, [newCa])).toBe(`ok kp-${stackName}-ca-2`);
      expect(await peerIssuer(firstBrokerPort + i, [oldCa])).toBe(`ok kp-${stackName}-ca-2`);
    }
    const again = s.pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 300_000);
});
