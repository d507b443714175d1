// A throwaway copy of the program with its own stack and local backend, so e2e tests never
// touch the user's dev stack or state. Cleans up everything it made, whatever happened.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import type { StackOutputs } from "../../src/clients/stack";
import { pulumi, pulumiAsync, repoRoot, run, runOk, type RunResult } from "./exec";

export class TestStack {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-e2e-"));
  readonly program = path.join(this.dir, "program");
  readonly env: NodeJS.ProcessEnv;

  /** `backend`: a state folder shared with other stacks (sites that read each other's outputs); its owner removes it. */
  constructor(readonly stack: string, config: Record<string, unknown>, topology: unknown, readonly backend?: string) {
    this.env = { PULUMI_BACKEND_URL: `file://${backend ?? path.join(this.dir, "state")}`, PULUMI_CONFIG_PASSPHRASE: "e2e" };
    if (!backend) fs.mkdirSync(path.join(this.dir, "state"));
    fs.mkdirSync(this.program);
    for (const f of ["Pulumi.yaml", "package.json", "tsconfig.json", "src"]) {
      fs.cpSync(path.join(repoRoot, f), path.join(this.program, f), { recursive: true });
    }
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(this.program, "node_modules"));
    const cfg = Object.fromEntries(Object.entries(config).map(([k, v]) => [`kafka-platform:${k}`, v]));
    fs.writeFileSync(path.join(this.program, `Pulumi.${stack}.yaml`), YAML.stringify({ config: cfg }));
    this.setTopology(topology);
    runOk("bash", [path.join(repoRoot, "scripts/pulumi.sh"), "stack", "init", stack, "--cwd", this.program, "--non-interactive"], { env: this.env });
  }

  /** Sets one stack config key (namespace kafka-platform) in the stack's config file. */
  setConfig(key: string, value: unknown): void {
    const file = path.join(this.program, `Pulumi.${this.stack}.yaml`);
    const doc = YAML.parse(fs.readFileSync(file, "utf8"));
    doc.config[`kafka-platform:${key}`] = value;
    fs.writeFileSync(file, YAML.stringify(doc));
  }

  setTopology(topology: unknown): void {
    fs.mkdirSync(path.join(this.program, "stacks", this.stack), { recursive: true });
    fs.writeFileSync(path.join(this.program, "stacks", this.stack, "topology.yaml"), YAML.stringify(topology));
  }

  pulumi(args: string[], timeoutMs = 600_000): RunResult {
    return pulumi([...args, "--cwd", this.program, "--stack", this.stack, "--non-interactive"], { env: this.env, timeoutMs });
  }

  /** `pulumi` without blocking the test's event loop: clients running in the test keep going. */
  pulumiAsync(args: string[], timeoutMs = 600_000, signal?: AbortSignal): Promise<RunResult> {
    return pulumiAsync([...args, "--cwd", this.program, "--stack", this.stack, "--non-interactive"], { env: this.env, timeoutMs, signal });
  }

  outputs(): StackOutputs {
    return JSON.parse(this.output(["--json"]));
  }

  /** Every output with secrets in plaintext (passwords, keys, profiles), untyped as tests probe it. */
  secretOutputs(): any {
    return JSON.parse(this.output(["--json", "--show-secrets"]));
  }

  private output(flags: string[]): string {
    return runOk("bash", [path.join(repoRoot, "scripts/pulumi.sh"), "stack", "output", ...flags, "--cwd", this.program, "--stack", this.stack], { env: this.env });
  }

  /** Docker objects labelled with this stack: what must be gone after destroy. */
  leftovers(): string[] {
    const f = `label=kafka-platform.stack=${this.stack}`;
    return [
      ...run("docker", ["ps", "-a", "-q", "--filter", f]).stdout.split("\n").filter(Boolean).map((c) => `container ${c}`),
      ...run("docker", ["network", "ls", "-q", "--filter", f]).stdout.split("\n").filter(Boolean).map((n) => `network ${n}`),
      ...run("docker", ["volume", "ls", "-q", "--filter", f]).stdout.split("\n").filter(Boolean).map((v) => `volume ${v}`),
    ];
  }

  /** Destroys through pulumi, then removes anything labelled with the stack that survived. */
  cleanup(): void {
    this.pulumi(["state", "unprotect", "--all", "--yes"], 60_000);
    this.pulumi(["destroy", "--yes", "--skip-preview"], 300_000);
    const f = `label=kafka-platform.stack=${this.stack}`;
    const ids = (args: string[]) => run("docker", args).stdout.split("\n").filter(Boolean);
    const containers = ids(["ps", "-a", "-q", "--filter", f]);
    if (containers.length) run("docker", ["rm", "-f", "-v", ...containers]);
    for (const n of ids(["network", "ls", "-q", "--filter", f])) run("docker", ["network", "rm", n]);
    const volumes = ids(["volume", "ls", "-q", "--filter", f]);
    if (volumes.length) run("docker", ["volume", "rm", "-f", ...volumes]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
