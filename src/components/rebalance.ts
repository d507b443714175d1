// After brokers come or go: move a fair share of partition replicas onto the new ones, and every
// replica off the ones going away, before they are deleted (Pulumi deletes removed resources
// after every update, so this runs first). Throttled, waited for, bounded; see clients/rebalance.ts.
// A first deploy has nothing to move: creating the resource moves nothing, and adopting an
// existing cluster never reshuffles it. Only a change of the declared broker set does.
import * as pulumi from "@pulumi/pulumi";
import { rebalance } from "../clients/rebalance";
import { withRollClient, type RollStepInputs } from "./roll-step";

export interface RebalanceInputs extends Pick<RollStepInputs, "brokers" | "identity" | "timeoutSeconds"> {
  /** The declared broker ids: what the replicas are fitted to. */
  brokerIds: number[];
  throttleBytesPerSecond: number;
}

interface RebalanceOutputs { brokerIds: number[] }

export const rebalanceProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: RebalanceInputs) {
    return { id: "replica-placement", outs: { brokerIds: inputs.brokerIds } };
  },
  async diff(_id: string, olds: RebalanceOutputs, news: RebalanceInputs) {
    return { changes: olds.brokerIds.join(",") !== news.brokerIds.join(",") };
  },
  async update(_id: string, _olds: RebalanceOutputs, news: RebalanceInputs) {
    const r = await withRollClient(news, (c) => rebalance(c, news.brokerIds, news.throttleBytesPerSecond, news.timeoutSeconds * 1000));
    await pulumi.log.info(`moved ${r.moves.length} partition(s) in ${r.seconds.toFixed(0)} s to fit brokers ${news.brokerIds.join(",")}`);
    return { outs: { brokerIds: news.brokerIds } };
  },
};

export class Rebalance extends pulumi.dynamic.Resource {
  constructor(name: string, args: { [K in keyof RebalanceInputs]: pulumi.Input<RebalanceInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(rebalanceProvider, name, args, opts);
  }
}
