// The step before a broker of a roll goes down: look before leaping. When the broker's declared
// spec changed (it is about to be restarted), wait until every partition it hosts keeps
// min.insync.replicas without it; if that does not come within the bound, fail naming the
// partitions. The broker depends on this guard, so a failure leaves it — and every broker after
// it in the roll — untouched. A new broker (first deploy, scale-up) has nothing to take down:
// creating the guard checks nothing.
import * as pulumi from "@pulumi/pulumi";
import { waitCanRoll } from "../clients/can-roll";
import { withRollClient, type RollStepInputs } from "./roll-step";

export interface GuardInputs extends RollStepInputs {
  /** A digest of the broker's declared spec (image, args, env, files): a change means a restart. */
  spec: string;
}

/** Only what decides a re-run is kept as outputs: no credentials. */
interface GuardOutputs { brokerId: number; spec: string }

async function waitSafe(inputs: GuardInputs): Promise<void> {
  const d = await withRollClient(inputs, (c) => waitCanRoll(c, inputs.brokerId, inputs.timeoutSeconds * 1000));
  if (d.unprotectable.length > 0) {
    await pulumi.log.warn(`broker ${inputs.brokerId} restarts: ${d.unprotectable.length} partition(s) with no more replicas than min.insync.replicas pause until it is back (${d.unprotectable.slice(0, 5).join(", ")})`);
  }
}

const outputs = (i: GuardInputs): GuardOutputs => ({ brokerId: i.brokerId, spec: i.spec });

export const guardProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GuardInputs) {
    return { id: `broker-${inputs.brokerId}-can-roll`, outs: outputs(inputs) };
  },
  async diff(_id: string, olds: GuardOutputs, news: GuardInputs) {
    return { changes: olds.spec !== news.spec || olds.brokerId !== news.brokerId };
  },
  async update(_id: string, _olds: GuardOutputs, news: GuardInputs) {
    await waitSafe(news);
    return { outs: outputs(news) };
  },
};

/** Completes when broker `brokerId` may restart without a partition falling below min.insync.replicas. */
export class RollGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: { [K in keyof GuardInputs]: pulumi.Input<GuardInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, args, opts);
  }
}
