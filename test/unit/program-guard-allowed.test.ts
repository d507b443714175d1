// With both removed brokers declared in kafka-platform:allowDataLoss, the program goes ahead
// (its own file: one program per file under mocks).
import * as path from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "../support/exec";
import { runProgramUnderMocks, type Created } from "../support/mock-program";

it("declares the cluster when every removed broker is declared", async () => {
  const created: Created[] = [];
  await runProgramUnderMocks({
    target: "docker", environment: "dev", kafka: { brokers: 3, heapMb: 384 }, zookeeper: { replicas: 3 },
    topology: path.join(repoRoot, "test/fixtures/unit/topology.yaml"), allowDataLoss: ["broker:3", "broker:4"],
  }, undefined, { brokers: { 0: "a", 1: "b", 2: "c", 3: "d", 4: "e" } }, created);
  expect(created.filter((c) => c.type === "docker:index/container:Container").map((c) => c.name)).toContain("kafka-2");
  expect(created.some((c) => c.name === "kafka-3")).toBe(false);
  // The brokers it keeps roll: their guards ask the brokers that run now.
  const guards = created.filter((c) => c.name.endsWith("-can-roll"));
  expect(guards.map((g) => [g.name, g.inputs.brokers.length])).toEqual([["kafka-0-can-roll", 3], ["kafka-1-can-roll", 3], ["kafka-2-can-roll", 3]]);
});
