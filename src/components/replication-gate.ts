// The step between two brokers of a roll: after a broker is (re)created, wait until it is back
// in the cluster and every partition has all its replicas in sync again, before the next broker
// may go. Without it, replacing brokers one after another could take a second replica of a
// partition down while the first is still catching up (Strimzi's roller asks the same question).
// A dynamic provider: it runs where `pulumi up` runs, which already reaches the brokers (the
// kafka provider does too), as the admin, through the project's cluster client.
import * as pulumi from "@pulumi/pulumi";
import { waitRejoined } from "../clients/in-sync";
import { withRollClient, type RollStepInputs } from "./roll-step";

export interface GateInputs extends RollStepInputs {
  /** Changes whenever that broker's node is replaced: what makes the gate wait again. */
  after: string;
}

/** Only what decides a re-run is kept as outputs: no credentials. */
interface GateOutputs { brokerId: number; after: string }

const waitInSync = (inputs: GateInputs) => withRollClient(inputs, (c) => waitRejoined(c, inputs.brokerId, inputs.timeoutSeconds * 1000));

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
