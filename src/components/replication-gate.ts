// The step between two brokers of a roll: after a broker is (re)created, wait until it is back
// in the cluster and every partition has all its replicas in sync again, before the next broker
// may go. Without it, replacing brokers one after another could take a second replica of a
// partition down while the first is still catching up (Strimzi's roller asks the same question).
// A dynamic provider: it runs where `pulumi up` runs, which already reaches the brokers (the
// kafka provider does too), as the admin, through the project's cluster client.
import * as pulumi from "@pulumi/pulumi";
import { ClusterClient, type Identity } from "../clients/cluster";
import { waitRejoined } from "../clients/in-sync";

export interface GateInputs {
  /** The broker that must be back in the cluster. */
  brokerId: number;
  /** Changes whenever that broker's node is replaced: what makes the gate wait again. */
  after: string;
  timeoutSeconds: number;
  /** Host-reachable addresses of the brokers that exist at this point of the roll. */
  brokers: string[];
  /** The admin's identity on a secure cluster (a secret); none on a plaintext one. */
  identity?: Identity;
}

/** Only what decides a re-run is kept as outputs: no credentials. */
interface GateOutputs { brokerId: number; after: string }

async function waitInSync(inputs: GateInputs): Promise<void> {
  const client = new ClusterClient({
    bootstrapServers: inputs.brokers, identity: inputs.identity, principal: "admin", clientId: "kafka-platform-roll",
    requestTimeoutMs: 10_000, retries: 0,
  });
  try {
    await waitRejoined(client, inputs.brokerId, inputs.timeoutSeconds * 1000);
  } finally {
    await client.close();
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
