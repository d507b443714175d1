// An interrupted `pulumi up` (a killed CI job, a second Ctrl-C) on real Docker: Pulumi forgets
// the containers it was creating, and the next `up` collides with them. The recovery that
// `npm run up` runs first removes such leftovers (only this stack's) and the next `up` works.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../../src/clients/wait";
import { run, uniqueName } from "../support/exec";
import { portBlock } from "../support/ports";
import { TestStack } from "../support/stack";
import { pendingCreates, recoverInterruptedUp, staleLocks } from "../../src/recovery/interrupted-up";

/**
 * Plugins (language host, providers) of this test's killed pulumi CLI: orphans (parent pid 1)
 * whose environment carries this test's own backend. They would stop by themselves within
 * 5 minutes (the engine healthcheck); the test does not leave them, and touches nothing else.
 */
function ownOrphanPlugins(backendUrl: string): number[] {
  return run("ps", ["-eo", "pid=,ppid=,args="]).stdout.split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([, ppid, cmd]) => ppid === "1" && /pulumi-(language|resource)-/.test(cmd ?? ""))
    .map(([pid]) => Number(pid))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`PULUMI_BACKEND_URL=${backendUrl}`);
      } catch {
        return false; // gone meanwhile
      }
    });
}

const stackName = uniqueName("intr").replace(/-/g, "");
const firstBrokerPort = portBlock("docker-interrupted");

describe("an up killed half-way on Docker", () => {
  let s: TestStack;
  const opts = () => ({ stack: stackName, env: s.env, pulumiArgs: ["--cwd", s.program] });
  const brokerContainer = () => run("docker", ["ps", "-aq", "--filter", `label=kafka-platform.stack=${stackName}`, "--filter", "label=kafka-platform.role=kafka"]).stdout.trim();

  beforeAll(() => {
    s = new TestStack(stackName, {
      target: "docker",
      environment: "dev",
      kafka: { brokers: 1, heapMb: 384 },
      zookeeper: { replicas: 1, heapMb: 128 },
      docker: { bindAddress: "127.0.0.1", firstBrokerPort },
      // Monitoring has its own e2e file (docker-monitoring): this one stays about the cluster.
      monitoring: { enabled: false },
    }, { topics: [{ name: "events", partitions: 1, replicationFactor: 1 }] });
  });

  afterAll(() => s?.cleanup(), 300_000);

  it("leaves a stale lock and a container Pulumi does not know", async () => {
    const abort = new AbortController();
    const up = s.pulumiAsync(["up", "--yes", "--skip-preview"], 300_000, abort.signal);
    // Kill it while the broker container exists and its create still waits for the healthcheck.
    await waitUntil({
      what: "the broker container to exist", probe: async () => brokerContainer(), done: (id) => id !== "",
      describe: () => "not created yet", timeoutMs: 120_000, intervalMs: 100,
    });
    abort.abort();
    expect((await up).code).not.toBe(0);
    // The killed CLI's language host and docker provider, re-parented to init.
    const orphans = await waitUntil({
      what: "the killed CLI's plugins to be orphaned", probe: async () => ownOrphanPlugins(s.env.PULUMI_BACKEND_URL!),
      done: (pids) => pids.length > 0, describe: () => "none yet", timeoutMs: 10_000, intervalMs: 100,
    });
    for (const pid of orphans) process.kill(pid, "SIGKILL");
    expect(pendingCreates(opts()).map((o) => o.resource.type)).toContain("docker:index/container:Container");
    // The killed CLI also left its lock: the next up would not even start.
    expect(staleLocks(opts())).toHaveLength(1);
    const locked = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(locked.code).not.toBe(0);
    expect(locked.stdout + locked.stderr).toMatch(/currently locked/);
  }, 300_000);

  it("refuses to touch a container in the way that another stack owns, and leaves it running", () => {
    const name = `kp-${stackName}-kafka-0`;
    const other = `${stackName}-other`;
    // Keep our own leftover aside; put another stack's container in its place.
    run("docker", ["rename", name, `${name}-kept`]);
    const image = process.env.KP_KAFKA_IMAGE ?? "kafka-platform/kafka:3.9.2";
    const impostor = run("docker", ["run", "-d", "--name", name, "--label", `kafka-platform.stack=${other}`, "--entrypoint", "sleep", image, "300"]);
    try {
      expect(impostor.code, impostor.stderr).toBe(0);
      expect(() => recoverInterruptedUp(opts())).toThrow(
        `container ${name} is in the way but is not labelled kafka-platform.stack=${stackName} (it says '${other}'): remove it yourself`);
      expect(run("docker", ["inspect", "-f", "{{.State.Running}} {{index .Config.Labels \"kafka-platform.stack\"}}", name]).stdout.trim()).toBe(`true ${other}`);
      // The stale lock went before the refusal: removing it is safe whatever else is wrong.
      expect(staleLocks(opts())).toEqual([]);
    } finally {
      run("docker", ["rm", "-f", name]);
      run("docker", ["rename", `${name}-kept`, name]);
    }
  }, 120_000);

  it("recovers: removes only this stack's leftovers, clears the pending creates, and the next up works", () => {
    const done = recoverInterruptedUp(opts());
    expect(done).toContain(`container kp-${stackName}-kafka-0: removed`);
    expect(done.at(-1)).toMatch(/pending create\(s\) cleared from state/);
    expect(pendingCreates(opts())).toEqual([]);
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(s.pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes"]).code).toBe(0);
    expect(recoverInterruptedUp(opts())).toEqual([]); // nothing pending: a no-op
  }, 300_000);
});
