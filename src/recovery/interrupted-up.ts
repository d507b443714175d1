// Recovery from an interrupted `pulumi up` (a killed CI job, a second Ctrl-C). It leaves two
// things behind. With a file backend, the stack's lock: the next `up` says "the stack is
// currently locked"; a lock whose process is gone on this host is stale and removed. And the
// creates it had started, kept as "pending" while what they made is forgotten: the next `up`
// tries again and the target may refuse (Docker: "the container name is already in use"). The
// platform removes what it must (src/platforms/*/recovery.ts) and the entries are cleared.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiSync } from "../clients/stack";
import { REPO_ROOT } from "../repo-root";
import { DOCKER_LEFTOVER_TYPES, removeDockerLeftovers } from "../platforms/docker/recovery";
import { kubernetesLeftovers } from "../platforms/kubernetes/recovery";
import type { PendingOperation } from "../platforms/types";


export interface RecoveryOptions {
  /** Also the value of the kafka-platform.stack label on the stack's Docker objects. */
  stack: string;
  env?: NodeJS.ProcessEnv;
  /** Extra pulumi arguments (e.g. --cwd of a copy of the program). */
  pulumiArgs?: string[];
}

const pulumi = (opts: RecoveryOptions, args: string[]) => pulumiSync([...args, "--stack", opts.stack, ...(opts.pulumiArgs ?? [])], opts.env);

/** Lock files of the stack in a file backend whose process no longer runs on this host. */
export function staleLocks(opts: RecoveryOptions): string[] {
  const url = opts.env?.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL ?? `file://${REPO_ROOT}/.pulumi-state`;
  if (!url.startsWith("file://")) return []; // a service backend manages its own locks (`pulumi cancel`)
  const root = path.join(url.slice("file://".length).replace(/\?.*$/, ""), ".pulumi", "locks");
  const alive = (pid: number) => {
    try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === "EPERM"; }
  };
  const stale: string[] = [];
  for (const org of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    for (const project of fs.readdirSync(path.join(root, org))) {
      const dir = path.join(root, org, project, opts.stack);
      for (const f of (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter((n) => n.endsWith(".json"))) {
        const lock = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as { pid: number; hostname: string };
        if (lock.hostname === os.hostname() && !alive(lock.pid)) stale.push(path.join(dir, f));
      }
    }
  }
  return stale;
}

/** What was left behind; empty when the last `up` finished. */
export function pendingCreates(opts: RecoveryOptions): PendingOperation[] {
  const r = pulumi(opts, ["stack", "export"]);
  if (r.status !== 0) return []; // a stack never deployed has nothing pending
  const ops = (JSON.parse(r.stdout).deployment?.pending_operations ?? []) as PendingOperation[];
  return ops.filter((o) => o.type === "creating");
}

/** Removes a stale lock and the leftovers of pending creates, clearing them from state. Returns what it did. */
export function recoverInterruptedUp(opts: RecoveryOptions): string[] {
  const locks = staleLocks(opts);
  for (const l of locks) for (const f of [l, `${l}.attrs`]) fs.rmSync(f, { force: true }); // .attrs: the blob store's metadata
  const pending = pendingCreates(opts);
  const actions = locks.map((l) => `stale lock ${path.basename(l)}: removed (its pulumi process is gone)`);
  return pending.length === 0 ? actions : [...actions, ...removeLeftovers(opts, pending)];
}

function removeLeftovers(opts: RecoveryOptions, pending: PendingOperation[]): string[] {
  // What a pending create left is the target's business: each platform knows its own objects.
  const done = [...removeDockerLeftovers(opts.stack, pending), ...kubernetesLeftovers(pending)];
  const known = new Set<string>(DOCKER_LEFTOVER_TYPES);
  for (const op of pending.filter((o) => !known.has(o.resource.type) && !o.resource.type.startsWith("kubernetes:"))) {
    done.push(`left ${op.resource.type} ${op.resource.inputs?.name ?? op.resource.urn} (nothing to remove)`);
  }
  const clear = pulumi(opts, ["refresh", "--clear-pending-creates", "--yes", "--skip-preview", "--non-interactive"]);
  if (clear.status !== 0) throw new Error(`pulumi refresh --clear-pending-creates failed:\n${clear.stdout}\n${clear.stderr}`);
  done.push(`${pending.length} pending create(s) cleared from state`);
  return done;
}
