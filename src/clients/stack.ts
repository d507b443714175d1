// Reads a deployed stack's outputs: the contract between the program and every tool.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { Role } from "../model/acls";
import { ADMIN_USER } from "../model/security";
import { REPO_ROOT } from "../repo-root";
import { ClusterClient, type ClientOptions, type Identity } from "./cluster";

export interface DeclaredTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

/** A mirror flow into the stack's site, as the program exports it. */
export interface MirrorFlowOutput {
  source: string;
  stack: string;
  topics: string[];
  groups: string;
  policy: "prefix" | "identity";
  intervals: { checkpointSeconds: number; groupSyncSeconds: number; refreshSeconds: number; heartbeatSeconds: number; offsetLagMax: number };
  /** The source was deployed when this site was last deployed: its MirrorMaker runs the flow. */
  running: boolean;
}

export interface StackOutputs {
  /** docker or kubernetes. */
  target?: string;
  /** The data centre's alias, and where other sites reach its brokers. */
  site?: string;
  siteBootstrapServers?: string;
  /** Flows into this site (MirrorMaker 2). */
  mirrors?: MirrorFlowOutput[];
  bootstrapServers: string;
  /** For containers on the stack's network. */
  internalBootstrapServers?: string;
  brokers: Record<string, string>;
  zookeeperConnect: string;
  topics: string[];
  declaredTopics: DeclaredTopic[];
  /** Present when the stack's security is on. */
  caCertificate?: string;
  /** Client identities (secret): "admin" and, with mTLS clients, one per user. */
  clients?: Record<string, { certificate: string; privateKey: string }>;
  /** Declared users and their roles (secure stacks). */
  principals?: { name: string; roles: Role[] }[];
  /** SCRAM users (secret), the admin included. */
  users?: Record<string, { username: string; password: string; mechanism: string }>;
  /** When monitoring is on: the lag exporter's /metrics and Prometheus, from the host. */
  lagExporterUrl?: string;
  prometheusUrl?: string;
  /** Secure stacks: certificate id → expiry (ISO 8601). */
  certificatesExpireAt?: Record<string, string>;
}

/** A principal's identity on a secure stack (SCRAM credentials or its certificate); undefined on a plaintext one. */
export function identityOf(out: StackOutputs, name: string): Identity | undefined {
  if (!out.caCertificate) return undefined;
  const scram = out.users?.[name];
  if (scram) return { ca: out.caCertificate, scram: { username: scram.username, password: scram.password } };
  const id = out.clients?.[name];
  if (id) return { ca: out.caCertificate, certificate: id.certificate, privateKey: id.privateKey };
  const known = Object.keys(out.users ?? out.clients ?? {}).sort();
  throw new StackOutputsError(`no identity '${name}' in the stack's outputs (known: ${known.join(", ") || "none"})`);
}

/** Client options of a deployed stack as the admin: for readers that take options, not a client. */
export function adminOptions(out: StackOutputs, opts: Partial<ClientOptions> = {}): ClientOptions {
  return { bootstrapServers: out.bootstrapServers.split(","), identity: identityOf(out, ADMIN_USER), principal: out.caCertificate ? ADMIN_USER : "anonymous", ...opts };
}

/**
 * A client of a deployed stack, as `user` (default: the admin). On a plaintext stack every
 * client is anonymous, so naming a user there is an error rather than a silent no-op.
 */
export function stackClient(out: StackOutputs, user?: string, opts: Partial<ClientOptions> = {}): ClusterClient {
  if (!out.caCertificate && user !== undefined && user !== ADMIN_USER) {
    throw new StackOutputsError(`this stack has no security: there are no users, every client is anonymous (drop --as ${user})`);
  }
  const name = user ?? ADMIN_USER;
  return new ClusterClient({
    bootstrapServers: out.bootstrapServers.split(","),
    identity: identityOf(out, name),
    principal: out.caCertificate ? name : "anonymous",
    ...opts,
  });
}

export class StackOutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackOutputsError";
  }
}


/** The project's pulumi (scripts/pulumi.sh), to completion; `env` is added to this process's. */
export function pulumiSync(args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 120_000) {
  return spawnSync("bash", [path.join(REPO_ROOT, "scripts/pulumi.sh"), ...args], {
    encoding: "utf8", env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024,
  });
}

export function readStackOutputs(stack: string, env?: NodeJS.ProcessEnv): StackOutputs {
  const r = pulumiSync(["stack", "output", "--json", "--show-secrets", "--stack", stack], env, 60_000);
  if (r.status !== 0) {
    // pulumi's own words, one line: its last "error:" line, else its last line.
    const lines = (r.stderr || r.stdout || String(r.error)).trim().split("\n").map((l) => l.trim()).filter(Boolean);
    const why = [...lines].reverse().find((l) => l.startsWith("error:"))?.replace(/^error:\s*/, "") ?? lines.at(-1) ?? "no output";
    throw new StackOutputsError(`cannot read outputs of stack '${stack}': ${why}`);
  }
  const out = JSON.parse(r.stdout) as Partial<StackOutputs>;
  if (typeof out.bootstrapServers !== "string" || !out.brokers) {
    throw new StackOutputsError(`stack '${stack}' has no bootstrapServers output: is it deployed? (npm run up)`);
  }
  return { topics: [], declaredTopics: [], zookeeperConnect: "", ...out } as StackOutputs;
}
