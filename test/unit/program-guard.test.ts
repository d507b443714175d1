// The program compares the declaration with its stack's last deployment before declaring any
// resource: a change that would lose data is refused and nothing else is registered.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";
import { repoRoot } from "../support/exec";
import { runProgramUnderMocks, type Created } from "../support/mock-program";

it("refuses, before declaring any resource, a change that deletes or re-creates a deployed topic", async () => {
  const created: Created[] = [];
  const failure = await runProgramUnderMocks({
    target: "docker", environment: "dev", kafka: { brokers: 3, heapMb: 384 }, zookeeper: { replicas: 3 },
    topology: path.join(repoRoot, "test/fixtures/unit/topology.yaml"),
  }, undefined, {
    // Deployed before: orders had 12 partitions, and a topic now gone.
    declaredTopics: [
      { name: "orders", partitions: 12, replicationFactor: 3, config: {}, allowDelete: false },
      { name: "gone", partitions: 1, replicationFactor: 3, config: {}, allowDelete: false },
    ],
  }, created).then(() => undefined, (e) => e);
  expect(pulumi.RunError.isInstance(failure)).toBe(true);
  const source = path.join(repoRoot, "test/fixtures/unit/topology.yaml");
  expect(failure.message).toBe([
    "refusing 2 changes that would lose data; nothing was changed:",
    `  - topic 'orders': partitions 12 → 6 would delete and re-create the topic, losing its data; to accept losing its data, first set allowDelete: true on topic 'orders' in ${source} and run up, then make this change`,
    `  - topic 'gone' is no longer declared: removing it would delete the topic and its data; to accept losing its data, first set allowDelete: true on topic 'gone' in ${source} and run up, then make this change`,
  ].join("\n"));
  expect(created.map((c) => c.type)).toEqual(["pulumi:pulumi:StackReference"]);
});

it("refuses removing a deployed broker unless kafka-platform:allowDataLoss lists it", async () => {
  const config = (allowDataLoss?: string[]) => ({
    target: "docker", environment: "dev", kafka: { brokers: 3, heapMb: 384 }, zookeeper: { replicas: 3 },
    topology: path.join(repoRoot, "test/fixtures/unit/topology.yaml"), ...(allowDataLoss ? { allowDataLoss } : {}),
  });
  // Deployed before with 5 brokers: 3 and 4 are no longer declared.
  const previous = { brokers: { 0: "a", 1: "b", 2: "c", 3: "d", 4: "e" } };
  const created: Created[] = [];
  const failure = await runProgramUnderMocks(config(["broker:4"]), undefined, previous, created).then(() => undefined, (e) => e);
  expect(failure.message).toBe([
    "refusing 1 change that would lose data; nothing was changed:",
    '  - broker 3 is no longer declared (kafka.brokers 3): removing it deletes its volume and the replicas on it; move its replicas to the other brokers first, then add "broker:3" to kafka-platform:allowDataLoss',
  ].join("\n"));
  expect(created.map((c) => c.type)).toEqual(["pulumi:pulumi:StackReference"]);
});
