// Runs the Pulumi program (src/index.ts) under Pulumi's mocks and records every resource it
// registers. One program per test file: vitest isolates modules per file.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";

/** Outputs the program marks secret. */
const SECRET_OUTPUTS = ["users", "clients", "connectionProfiles", "grafanaAdminPassword", "mirrorGrants"];

export interface Created { type: string; name: string; inputs: Record<string, any>; provider?: string }

/**
 * `config`: kafka-platform keys (objects are passed as JSON, as `pulumi config set --path` does).
 * `outputsOf`: extra state a mocked resource returns beside its inputs (what a provider computes).
 */
export async function runProgramUnderMocks(
  config: Record<string, unknown>,
  outputsOf: (type: string, inputs: Record<string, any>) => Record<string, unknown> = () => ({}),
  /** Outputs of the stack's last deployment, as its StackReference to itself reads them. */
  previous: Record<string, unknown> = {},
  /** Receives every resource as it is registered, also when the program then fails. */
  created: Created[] = [],
  /** Receives the stack's outputs, resolved (secrets unwrapped). */
  resolved: Record<string, unknown> = {},
  /** Outputs of other stacks (other sites), by the stack name a StackReference asks for. */
  references: Record<string, Record<string, unknown>> = {},
): Promise<Created[]> {
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config)
    .map(([k, v]) => [`kafka-platform:${k}`, typeof v === "string" ? v : JSON.stringify(v)])));
  await pulumi.runtime.setMocks({
    newResource(args) {
      created.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
      if (args.type === "pulumi:pulumi:StackReference") {
        const outputs = references[args.inputs.name] ?? previous;
        // What a real stack keeps secret comes back as a secret (getOutputDetails: secretValue).
        return { id: args.inputs.name, state: { ...args.inputs, outputs, secretOutputNames: SECRET_OUTPUTS.filter((k) => k in outputs) } };
      }
      return { id: `${args.name}-id`, state: { ...args.inputs, ...outputsOf(args.type, args.inputs) } };
    },
    call(args) {
      throw new Error(`Mock not implemented: ${args.token}`);
    },
  }, "kafka-platform", "unit", false, "organization");
  monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const mod = await import("../../src/index");
  const outputs = await ((mod as unknown as { default: () => Promise<Record<string, unknown>> }).default)();
  // Wait for every output, then for every registration still in flight.
  await Promise.all(Object.entries(outputs).map(async ([k, v]) => {
    resolved[k] = pulumi.Output.isInstance(v) ? await new Promise((r) => (v as pulumi.Output<unknown>).apply(r)) : v;
  }));
  await pulumi.runtime.disconnect();
  return created;
}

interface MockMonitor { getRegisteredResources(): Map<string, unknown> }
let monitor: MockMonitor | undefined;

/** The URN of every resource the last program registered, sorted. */
export function registeredUrns(): string[] {
  if (!monitor) throw new Error("runProgramUnderMocks has not run");
  return [...monitor.getRegisteredResources().keys()].sort();
}

/** The kafka-platform config of a committed stack file (Pulumi.<stack>.yaml), keys without the namespace. */
export function committedStackConfig(stack: string): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(path.join(__dirname, "../..", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const cfg = Object.fromEntries(Object.entries(doc.config).filter(([k]) => k.startsWith("kafka-platform:")).map(([k, v]) => [k.slice("kafka-platform:".length), v]));
  // Under mocks the program runs as stack "unit" with no project directory: name the stack's topology file absolutely.
  const root = path.join(__dirname, "../..");
  return { ...cfg, topology: path.resolve(root, (cfg.topology as string | undefined) ?? `stacks/${stack}/topology.yaml`) };
}

/** Kubernetes objects of a kind ("apps/v1:StatefulSet"), in registration order. */
export function k8sObjects(created: Created[], kind: string): Created[] {
  return created.filter((c) => c.type === `kubernetes:${kind}`);
}
