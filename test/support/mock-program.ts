// Runs the Pulumi program (src/index.ts) under Pulumi's mocks and records every resource it
// registers. One program per test file: vitest isolates modules per file.
import * as pulumi from "@pulumi/pulumi";

export interface Created { type: string; name: string; inputs: Record<string, any>; provider?: string }

/**
 * `config`: kafka-platform keys (objects are passed as JSON, as `pulumi config set --path` does).
 * `outputsOf`: extra state a mocked resource returns beside its inputs (what a provider computes).
 */
export async function runProgramUnderMocks(
  config: Record<string, unknown>,
  outputsOf: (type: string, inputs: Record<string, any>) => Record<string, unknown> = () => ({}),
): Promise<Created[]> {
  const created: Created[] = [];
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config)
    .map(([k, v]) => [`kafka-platform:${k}`, typeof v === "string" ? v : JSON.stringify(v)])));
  pulumi.runtime.setMocks({
    newResource(args) {
      created.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
      return { id: `${args.name}-id`, state: { ...args.inputs, ...outputsOf(args.type, args.inputs) } };
    },
    call(args) {
      throw new Error(`Mock not implemented: ${args.token}`);
    },
  }, "kafka-platform", "unit", false);
  monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const program = await import("../../src/index");
  // Wait for every export, then for every registration still in flight.
  await Promise.all(Object.values(program).map((v) => (pulumi.Output.isInstance(v) ? new Promise((r) => (v as pulumi.Output<unknown>).apply(r)) : v)));
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
