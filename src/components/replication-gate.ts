// The step between two brokers of a roll: after a broker is (re)created, wait until it is back
// in the cluster and every partition has all its replicas in sync again, before the next broker
// may go. Without it, replacing brokers one after another could take a second replica of a
// partition down while the first is still catching up (Strimzi's roller asks the same question).
// A dynamic provider: it runs where `pulumi up` runs, which already reaches the brokers (the
// kafka provider does too), as the admin.
import * as pulumi from "@pulumi/pulumi";

export interface GateConnection {
  /** Host-reachable addresses of the brokers that exist at this point of the roll. */
  brokers: string[];
  ssl?: { ca: string[]; cert?: string; key?: string };
  sasl?: { mechanism: "scram-sha-512"; username: string; password: string };
}

export interface GateInputs extends GateConnection {
  /** The broker that must be back in the cluster. */
  brokerId: number;
  /** Changes whenever that broker's node is replaced: what makes the gate wait again. */
  after: string;
  timeoutSeconds: number;
}

/** Only what decides a re-run is kept as outputs: no credentials. */
interface GateOutputs { brokerId: number; after: string }


async function waitInSync(inputs: GateInputs): Promise<void> {
  // Required here, not imported: this runs inside the dynamic provider's process.
  const { Kafka, logLevel } = require("kafkajs") as typeof import("kafkajs");
  const kafka = new Kafka({
    clientId: "kafka-platform-roll",
    brokers: inputs.brokers,
    ssl: inputs.ssl ? { ca: inputs.ssl.ca, cert: inputs.ssl.cert, key: inputs.ssl.key } : undefined,
    sasl: inputs.sasl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    requestTimeout: 10_000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  let last = "no answer yet";
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (!cluster.brokers.some((b) => b.nodeId === inputs.brokerId)) {
        last = `broker ${inputs.brokerId} is not registered (live: ${cluster.brokers.map((b) => b.nodeId).join(",")})`;
      } else {
        const topics = await admin.listTopics();
        const md = topics.length ? await admin.fetchTopicMetadata({ topics }) : { topics: [] };
        const behind = md.topics.flatMap((t) => t.partitions
          .filter((p) => p.isr.length < p.replicas.length)
          .map((p) => `${t.name}-${p.partitionId} (isr ${p.isr.join(",")} of ${p.replicas.join(",")})`));
        if (behind.length === 0) return;
        last = `under-replicated: ${behind.slice(0, 5).join("; ")}${behind.length > 5 ? ` and ${behind.length - 5} more` : ""}`;
      }
    } catch (e) {
      last = `${(e as Error).name}: ${(e as Error).message}`;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      // A plain Error named for its kind: classes do not survive the closure serializer well.
      const err = new Error(`broker ${inputs.brokerId} not back in sync after ${inputs.timeoutSeconds} s: ${last}`);
      err.name = "ReplicationTimeout";
      throw err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const outputs = (i: GateInputs): GateOutputs => ({ brokerId: i.brokerId, after: i.after });

export const gateProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GateInputs) {
    await waitInSync(inputs);
    return { id: `broker-${inputs.brokerId}-in-sync`, outs: outputs(inputs) };
  },
  async diff(_id: string, olds: GateOutputs, news: GateInputs) {
    return { changes: olds.after !== news.after || olds.brokerId !== news.brokerId };
  },
  async update(_id: string, _olds: GateOutputs, news: GateInputs) {
    await waitInSync(news);
    return { outs: outputs(news) };
  },
};

/** Completes when broker `brokerId` serves again and no partition is under-replicated. */
export class ReplicationGate extends pulumi.dynamic.Resource {
  constructor(name: string, args: { [K in keyof GateInputs]: pulumi.Input<GateInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(gateProvider, name, args, opts);
  }
}
