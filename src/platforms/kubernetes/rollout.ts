// "This node runs its new spec and is ready": `kubectl rollout status`, once per spec change.
// Why not the provider's own wait: the served pulumi-kubernetes (4.25, built from the one
// pseudo-version the module proxy has) can read a StatefulSet's status before the controller
// saw the update, and so report an update done before its pod even restarted
// (pulumi/pulumi-kubernetes#3329, fixed upstream by #4094 after that version). The broker roll's
// in-sync gate would then pass at once and every broker would restart together. kubectl waits
// for the controller to observe the new generation first. A dynamic provider: it runs where
// `pulumi up` runs, with the stack's kubeconfig and context.
import * as pulumi from "@pulumi/pulumi";

export interface RolloutInputs {
  kind: "statefulset" | "deployment";
  name: string;
  namespace: string;
  /** The object's metadata.generation: a new one means a new spec to wait for. */
  generation: number;
  kubeconfig?: string;
  context?: string;
  timeoutSeconds: number;
}

async function waitRolledOut(i: RolloutInputs): Promise<void> {
  const { execFile } = require("child_process") as typeof import("child_process");
  const args = [
    ...(i.kubeconfig ? ["--kubeconfig", i.kubeconfig] : []), ...(i.context ? ["--context", i.context] : []),
    "--namespace", i.namespace, "rollout", "status", `${i.kind}/${i.name}`, "--watch", `--timeout=${i.timeoutSeconds}s`,
  ];
  await new Promise<void>((resolve, reject) => {
    execFile("kubectl", args, { timeout: (i.timeoutSeconds + 30) * 1000 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
      reject(new Error(missing
        ? "the kubernetes target needs kubectl on PATH to wait for each node's rollout (npm run k8s puts the local cluster's on PATH)"
        : `${i.kind} ${i.namespace}/${i.name} did not roll out within ${i.timeoutSeconds} s: ${(stderr || stdout || err.message).trim()}`));
    });
  });
}

const outs = (i: RolloutInputs) => ({ kind: i.kind, name: i.name, namespace: i.namespace, generation: i.generation });

export const rolloutProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: RolloutInputs) {
    await waitRolledOut(inputs);
    return { id: `${inputs.namespace}/${inputs.kind}/${inputs.name}`, outs: outs(inputs) };
  },
  async diff(_id: string, olds: RolloutInputs, news: RolloutInputs) {
    return { changes: olds.generation !== news.generation || olds.name !== news.name || olds.namespace !== news.namespace };
  },
  async update(_id: string, _olds: RolloutInputs, news: RolloutInputs) {
    await waitRolledOut(news);
    return { outs: outs(news) };
  },
};

/** Completes when the object's pods run its current spec and are ready. */
export class RolledOut extends pulumi.dynamic.Resource {
  declare readonly generation: pulumi.Output<number>;
  constructor(name: string, args: { [K in keyof RolloutInputs]: pulumi.Input<RolloutInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(rolloutProvider, name, { ...args }, opts);
  }
}
