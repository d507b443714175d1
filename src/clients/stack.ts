// Reads a deployed stack's outputs: the contract between the program and every tool.
import { spawnSync } from "node:child_process";
import type { TlsIdentity } from "./kafka";
import type { Role } from "../model/acls";
import * as path from "node:path";
import { REPO_ROOT } from "../repo-root";

export interface DeclaredTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

export interface StackOutputs {
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
}

/** The admin's TLS identity of a secure stack, or undefined for a plaintext one. */
export const adminTls = (out: StackOutputs): TlsIdentity | undefined => userTls(out, "admin");

/** A user's TLS identity: SCRAM credentials or, with mTLS clients, its certificate. */
export function userTls(out: StackOutputs, name: string): TlsIdentity | undefined {
  if (!out.caCertificate) return undefined;
  const scram = out.users?.[name];
  if (scram) return { ca: out.caCertificate, scram: { username: scram.username, password: scram.password } };
  const id = out.clients?.[name];
  return id ? { ca: out.caCertificate, ...id } : undefined;
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
    throw new StackOutputsError(`cannot read outputs of stack '${stack}': ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  }
  const out = JSON.parse(r.stdout) as Partial<StackOutputs>;
  if (typeof out.bootstrapServers !== "string" || !out.brokers) {
    throw new StackOutputsError(`stack '${stack}' has no bootstrapServers output: is it deployed? (npm run up)`);
  }
  return { topics: [], declaredTopics: [], zookeeperConnect: "", ...out } as StackOutputs;
}

/** `--stack NAME` from argv, else $KP_STACK, else dev. */
export function stackFromArgs(argv: string[]): string {
  const i = argv.indexOf("--stack");
  return i >= 0 && argv[i + 1] ? argv[i + 1] : process.env.KP_STACK ?? "dev";
}
