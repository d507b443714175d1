// Benchmark: producer throughput through PLAINTEXT, SSL and SASL_SSL (SCRAM-SHA-512) listeners
// of the same single broker (image, renderers and certificates of the project), started by
// hand. Interleaved rounds, median msgs/s per listener, ratios to PLAINTEXT. Not a test.
//   npm run bench -- listeners [--runs 3]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ClusterClient, withClient, type Identity } from "../src/clients/cluster";
import { brokerProperties } from "../src/model/broker";
import { createCa, issueCert } from "../src/model/certs";
import { renderProperties } from "../src/model/properties";
import { brokerSecurityProperties, SCRAM } from "../src/model/security";
import { renderZooCfg } from "../src/model/zookeeper";
import { waitUntil } from "../src/clients/wait";
import { run, runOk } from "../test/support/exec";

const NAME = "kp-benchtls";
const PORTS = { PLAINTEXT: 26301, SSL: 26302, SASL_SSL: 26303 } as const;
const MESSAGES = 20_000;
const SIZE = 1024;

export async function benchListeners(runs: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-benchtls-"));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, "secrets"));
  const spec = {
    name: NAME,
    zookeeper: { replicas: 1, heapMb: 128 },
    kafka: { version: "3.9.2", mode: "zookeeper" as const, brokers: 1, heapMb: 512, image: "kafka-platform/kafka:3.9.2", brokerConfig: {}, rollStepTimeoutSeconds: 600, reassignThrottleBytesPerSecond: 10485760 },
    security: { enabled: true, clientAuth: "scram" as const, tls: { validityDays: 1, renewBeforeDays: 0, rotation: 0 } },
  };
  const host = `${NAME}-kafka-0`;
  const ca = await createCa(`${NAME}-ca`, 1);
  const cert = await issueCert(ca, { commonName: host, dnsNames: [host, "localhost"], ipAddresses: ["127.0.0.1"], validityDays: 1, usages: ["server", "client"] });
  const password = "bench-admin-password-0001";
  fs.writeFileSync(path.join(dir, "secrets/keystore.pem"), cert.keyPem + cert.certPem);
  fs.writeFileSync(path.join(dir, "secrets/truststore.pem"), ca.certPem);
  fs.writeFileSync(path.join(dir, "secrets/admin-scram.properties"), `${SCRAM.mechanism}=iterations=${SCRAM.iterations},password=${password}\n`);
  fs.writeFileSync(path.join(dir, "zoo.cfg"), renderZooCfg(spec));
  const listeners = [
    { name: "INTERNAL", port: 9091, advertised: `${host}:9091`, protocol: "SSL" as const },
    { name: "PLAIN", port: 9092, advertised: `127.0.0.1:${PORTS.PLAINTEXT}`, protocol: "PLAINTEXT" as const },
    { name: "TLS", port: 9093, advertised: `127.0.0.1:${PORTS.SSL}`, protocol: "SSL" as const },
    { name: "EXTERNAL", port: 9094, advertised: `127.0.0.1:${PORTS.SASL_SSL}`, protocol: "SASL_SSL" as const },
  ];
  // Same security settings as a secure stack; the benchmark's own listeners admit anyone.
  const props = { ...brokerProperties(spec, 0, listeners, brokerSecurityProperties(spec)), "allow.everyone.if.no.acl.found": "true", "listener.name.tls.ssl.client.auth": "none" };
  fs.writeFileSync(path.join(dir, "server.properties"), renderProperties(props, "listener benchmark"));
  for (const f of fs.readdirSync(path.join(dir, "secrets"))) fs.chmodSync(path.join(dir, "secrets", f), 0o644);
  const label = ["--label", `kafka-platform.stack=benchtls`];
  try {
    runOk("docker", ["network", "create", ...label, NAME]);
    runOk("docker", ["run", "-d", "--name", `${NAME}-zookeeper-0`, "--network", NAME, ...label, "-v", `${dir}:/etc/kafka:ro`, spec.kafka.image, "zookeeper", "/etc/kafka/zoo.cfg"]);
    await new Promise((r) => setTimeout(r, 3000));
    runOk("docker", ["run", "-d", "--name", host, "--hostname", host, "--network", NAME, ...label, "-v", `${dir}:/etc/kafka:ro`,
      "-e", "KAFKA_HEAP_OPTS=-Xms512m -Xmx512m",
      "-p", `127.0.0.1:${PORTS.PLAINTEXT}:9092`, "-p", `127.0.0.1:${PORTS.SSL}:9093`, "-p", `127.0.0.1:${PORTS.SASL_SSL}:9094`,
      spec.kafka.image, "broker", "/etc/kafka/server.properties"]);
    await waitUntil({
      what: "the broker to start", probe: async () => run("docker", ["logs", host]).stderr.includes("started (kafka.server.KafkaServer)"),
      done: (started) => started, describe: () => "not started yet", timeoutMs: 120_000,
    });

    const ids: Record<keyof typeof PORTS, Identity | undefined> = {
      PLAINTEXT: undefined,
      SSL: { ca: ca.certPem },
      SASL_SSL: { ca: ca.certPem, scram: { username: "admin", password } },
    };
    await withClient(new ClusterClient({ bootstrapServers: [`127.0.0.1:${PORTS.PLAINTEXT}`] }), (c) => c.createTopic("bench", 3, 1));

    const payload = Buffer.alloc(SIZE, 120).toString();
    const rates: Record<string, number[]> = { PLAINTEXT: [], SSL: [], SASL_SSL: [] };
    // Round 0 warms the broker's and the client's JIT and connections up; it is not counted.
    for (let r = -1; r < runs; r++) {
      const order = Object.keys(PORTS) as (keyof typeof PORTS)[];
      if (r % 2) order.reverse();
      for (const kind of order) {
        const rate = await withClient(new ClusterClient({ bootstrapServers: [`127.0.0.1:${PORTS[kind]}`], identity: ids[kind] }), async (c) => {
          const producer = await c.producer({ idempotent: false });
          const t0 = performance.now();
          for (let i = 0; i < MESSAGES; i += 500) {
            await producer.send("bench", Array.from({ length: 500 }, (_, j) => ({ key: String(i + j), value: payload })), 1);
          }
          return MESSAGES / ((performance.now() - t0) / 1000);
        });
        if (r < 0) continue;
        rates[kind].push(rate);
        console.log(`round ${r + 1} ${kind.padEnd(9)} ${Math.round(rate)} msgs/s (${((rate * SIZE) / 1048576).toFixed(1)} MiB/s)`);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const base = median(rates.PLAINTEXT);
    console.log(`\nmedian of ${runs} (${MESSAGES} x ${SIZE} B, acks=1, kafkajs)    msgs/s   vs PLAINTEXT`);
    for (const k of Object.keys(rates)) console.log(`${k.padEnd(48)} ${String(Math.round(median(rates[k]))).padStart(7)}   ${(median(rates[k]) / base).toFixed(2)}`);
  } finally {
    run("docker", ["rm", "-f", "-v", host, `${NAME}-zookeeper-0`]);
    run("docker", ["network", "rm", NAME]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
