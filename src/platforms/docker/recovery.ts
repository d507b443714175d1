// After an interrupted `up`: a container or network whose create was pending exists in Docker
// but not in state, and the next create of that fixed name fails. They hold no data (volumes
// do, and creating a volume again is harmless), so they are removed — only when labelled with
// this stack; anything else in the way is an error naming it.
import { spawnSync } from "child_process";
import type { PendingOperation } from "../types";

const CONTAINER = "docker:index/container:Container";
const NETWORK = "docker:index/network:Network";
export const DOCKER_LEFTOVER_TYPES = [CONTAINER, NETWORK] as const;

const docker = (args: string[]) => spawnSync("docker", args, { encoding: "utf8", timeout: 60_000 });

/** The stack label of a Docker container or network; undefined when there is no such object. */
function ownerOf(kind: "container" | "network", name: string): string | undefined {
  const labels = kind === "container" ? "{{json .Config.Labels}}" : "{{json .Labels}}";
  const r = docker([kind, "inspect", "-f", labels, name]);
  if (r.status !== 0) return undefined;
  return (JSON.parse(r.stdout || "null") ?? {})["kafka-platform.stack"] ?? "";
}

export function removeDockerLeftovers(stack: string, pending: PendingOperation[]): string[] {
  const done: string[] = [];
  // Containers first: a network cannot go while containers are attached to it.
  const ours = pending.filter((o) => (DOCKER_LEFTOVER_TYPES as readonly string[]).includes(o.resource.type));
  for (const op of ours.sort((a, b) => Number(a.resource.type === NETWORK) - Number(b.resource.type === NETWORK))) {
    const name = op.resource.inputs?.name;
    const kind = op.resource.type === CONTAINER ? "container" : "network";
    if (!name) {
      done.push(`left ${op.resource.type} ${op.resource.urn} (no name: nothing to remove)`);
      continue;
    }
    const owner = ownerOf(kind, name);
    if (owner === undefined) {
      done.push(`${kind} ${name}: not there`);
    } else if (owner !== stack) {
      throw new Error(`${kind} ${name} is in the way but is not labelled kafka-platform.stack=${stack} (it says '${owner}'): remove it yourself`);
    } else {
      const rm = docker(kind === "container" ? ["rm", "-f", name] : ["network", "rm", name]);
      if (rm.status !== 0) throw new Error(`could not remove ${kind} ${name}: ${rm.stderr.trim()}`);
      done.push(`${kind} ${name}: removed`);
    }
  }
  return done;
}
