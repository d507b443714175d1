import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";

export { REPO_ROOT as repoRoot } from "../../src/repo-root";
import { REPO_ROOT as repoRoot } from "../../src/repo-root";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a hard time bound; never throws on a non-zero exit. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): RunResult {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd} ${args.join(" ")}: ${r.error.message}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like run, but a non-zero exit is an error that carries the command's output. */
export function runOk(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): string {
  const r = run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r.stdout;
}

/**
 * Like run, without blocking the event loop (so clients in the test keep working meanwhile).
 * On timeout the command's whole process group is killed and the result has code null.
 */
export function runAsync(
  cmd: string, args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; /** SIGKILLs the process group, like a killed CI job. */ signal?: AbortSignal } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, env: { ...process.env, ...opts.env }, detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const kill = () => { try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already gone */ } };
    const timer = setTimeout(kill, opts.timeoutMs ?? 60_000);
    opts.signal?.addEventListener("abort", kill);
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** The project's pulumi (scripts/pulumi.sh) with the given extra environment. */
export function pulumi(args: string[], opts: Parameters<typeof run>[2] = {}): RunResult {
  return run("bash", [path.join(repoRoot, "scripts/pulumi.sh"), ...args], opts);
}

/** A short unique name for containers, networks, stacks of one test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The project's pulumi, without blocking the event loop. */
export function pulumiAsync(args: string[], opts: Parameters<typeof runAsync>[2] = {}): Promise<RunResult> {
  return runAsync("bash", [path.join(repoRoot, "scripts/pulumi.sh"), ...args], opts);
}
