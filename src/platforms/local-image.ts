import { execFileSync } from "child_process";

/**
 * The id of the local image tagged `ref` (Docker on this machine), or undefined when there is
 * none or no Docker. A rebuilt image keeps its tag: targets use the id to roll the nodes that
 * run it, so a rebuild shows in preview as a restart instead of passing unnoticed.
 */
export function localImageId(ref: string): string | undefined {
  try {
    return execFileSync("docker", ["image", "inspect", "-f", "{{.Id}}", ref], { encoding: "utf8", timeout: 15_000, stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
