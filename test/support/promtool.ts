// promtool from the project's Prometheus image (built by `npm run setup`): tests check the
// configuration and rules the platform generates with the Prometheus it deploys, and the host
// needs no Prometheus install.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, run, type RunResult } from "./exec";

const image = process.env.KP_PROMETHEUS_IMAGE ?? "kafka-platform/prometheus:2.42.0";

/**
 * Runs `promtool ARGS` with FILES (path relative to the working directory → content) mounted
 * read-only as its working directory, within timeoutMs. Never throws on a non-zero exit: a
 * failed check is a result too.
 */
export function promtool(args: string[], files: Record<string, string>, timeoutMs = 60_000): RunResult {
  // The project's ignored scratch folder; a fresh clone has none yet.
  fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "promtool-"));
  try {
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    // As the files' owner: the image's own user (1001) could not read a mkdtemp folder (0700).
    const user = `${process.getuid!()}:${process.getgid!()}`;
    return run("docker", ["run", "--rm", "--user", user, "-v", `${dir}:/w:ro`, "-w", "/w", "--entrypoint", "promtool", image, ...args], { timeoutMs });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
