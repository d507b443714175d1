// Stopping and starting a site's MirrorMaker, for `dr reset-source`: its stored positions can
// only be cleared while it does not run (it keeps them in memory and would write them back).
// The one place in the DR tools that knows the targets, like the platform layer does.
import { spawnSync } from "node:child_process";

export interface MirrorHandle {
  target: string;
  /** The stack's name prefix (kp-<stack>): the node is <name>-mirrormaker-0. */
  name: string;
  namespace?: string;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 180_000 });
  if (r.error) throw new Error(`${cmd} ${args.slice(0, 3).join(" ")}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(" ")} failed: ${(r.stderr || r.stdout).trim().split("\n").at(-1)}`);
  return r.stdout.trim();
}

const node = (h: MirrorHandle) => `${h.name}-mirrormaker-0`;

export function stopMirrorMaker(h: MirrorHandle): void {
  if (h.target === "docker") {
    // SIGTERM first: the worker commits its positions and leaves cleanly.
    run("docker", ["stop", "-t", "60", node(h)]);
  } else {
    run("kubectl", ["-n", h.namespace ?? h.name, "scale", `deployment/${node(h)}`, "--replicas=0"]);
    run("kubectl", ["-n", h.namespace ?? h.name, "wait", "--for=delete", "pod", "-l", "app.kubernetes.io/component=mirrormaker", "--timeout=120s"]);
  }
}

export function startMirrorMaker(h: MirrorHandle): void {
  if (h.target === "docker") run("docker", ["start", node(h)]);
  else run("kubectl", ["-n", h.namespace ?? h.name, "scale", `deployment/${node(h)}`, "--replicas=1"]);
}

export function mirrorMakerRunning(h: MirrorHandle): boolean {
  if (h.target === "docker") return run("docker", ["inspect", "-f", "{{.State.Running}}", node(h)]) === "true";
  return run("kubectl", ["-n", h.namespace ?? h.name, "get", `deployment/${node(h)}`, "-o", "jsonpath={.status.readyReplicas}"]) === "1";
}

/** What remains of a site on its target (containers, volumes): a site with leftovers is down, not gone. */
export function siteLeftovers(target: string, name: string): string[] {
  if (target !== "docker") return [];
  const list = (args: string[]) => run("docker", args).split("\n").filter(Boolean);
  const stack = name.replace(/^kp-/, "");
  return [
    ...list(["ps", "-a", "--format", "{{.Names}}", "--filter", `label=kafka-platform.stack=${stack}`]).map((c) => `container ${c}`),
    ...list(["volume", "ls", "-q", "--filter", `label=kafka-platform.stack=${stack}`]).map((v) => `volume ${v}`),
  ];
}
