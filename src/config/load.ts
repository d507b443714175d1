// The only code that reads pulumi.Config and topology files. Everything is validated here,
// once, before any resource is declared: invalid config changes nothing.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { ConfigError, NS } from "./issues";
import { parseEstate, type RawEstate } from "./parse";
import type { EstateSpec } from "../model/spec";

/** Stack config of our namespace, keys without the namespace, JSON objects parsed. */
function namespaceConfig(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
    if (!k.startsWith(`${NS}:`)) continue;
    let value: unknown = v;
    try {
      value = JSON.parse(v);
    } catch {
      // a plain string value
    }
    out[k.slice(NS.length + 1)] = value;
  }
  return out;
}

/** Reads a topology file; a missing default file means "no topics". */
export function readTopology(file: string, explicit: boolean): { doc: unknown; problem?: string } {
  if (!fs.existsSync(file)) {
    return explicit ? { doc: undefined, problem: `${NS}:topology: '${file}' does not exist` } : { doc: undefined };
  }
  const parsed = YAML.parseDocument(fs.readFileSync(file, "utf8"), { uniqueKeys: true });
  if (parsed.errors.length > 0) {
    return { doc: undefined, problem: `${file}: ${parsed.errors.map((e) => e.message.split("\n")[0]).join("; ")}` };
  }
  return { doc: parsed.toJS() };
}

/** The directory of Pulumi.yaml: paths in config are relative to it, not to src/. */
function projectRoot(): string {
  return pulumi.runtime.getRootDirectory() || process.cwd();
}

/** Passwords set with `pulumi config set --secret --path 'kafka-platform:userPasswords.NAME'`. */
export function loadUserPasswords(): pulumi.Output<Record<string, string>> {
  return pulumi.output(new pulumi.Config(NS).getSecretObject<Record<string, string>>("userPasswords") ?? {}) as pulumi.Output<Record<string, string>>;
}

export function loadEstate(root: string = projectRoot()): EstateSpec {
  const stack = pulumi.getStack();
  const config = namespaceConfig();
  const explicit = typeof config.topology === "string";
  const rel = explicit ? (config.topology as string) : path.join("stacks", stack, "topology.yaml");
  const file = path.resolve(root, rel);
  const { doc, problem } = readTopology(file, explicit);
  delete config.topology;
  const raw: RawEstate = { project: pulumi.getProject(), stack, config, topology: doc, topologySource: rel };
  // An unreadable topology is one more problem, reported with the rest.
  const issues = problem ? [problem] : [];
  try {
    const spec = parseEstate(raw);
    // A kubeconfig path in config is relative to the project, like the topology file.
    if (spec.target.kind === "kubernetes" && spec.target.kubeconfig && !spec.target.kubeconfig.trimStart().startsWith("apiVersion")) {
      spec.target.kubeconfig = path.resolve(root, spec.target.kubeconfig);
    }
    if (issues.length === 0) return spec;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    issues.push(...e.issues);
  }
  // Pulumi prints a RunError's message alone, once: no "unhandled exception", no stack trace.
  throw new pulumi.RunError(new ConfigError(issues).message);
}
