// Changes that would lose a topic's data are named, with the exact opt-in; safe ones pass.
import { describe, expect, it } from "vitest";
import { refusedTopicChanges, type LedgerTopic } from "../../src/model/topic-changes";

const T = "stacks/dev/topology.yaml";
const orders: LedgerTopic = { name: "orders", partitions: 3, replicationFactor: 3, allowDelete: false };
const optIn = (n: string) => `to accept losing its data, first set allowDelete: true on topic '${n}' in ${T} and run up, then make this change`;

describe("refusedTopicChanges", () => {
  it("refuses removing a protected topic", () => {
    expect(refusedTopicChanges([orders], [], T)).toEqual([
      `topic 'orders' is no longer declared: removing it would delete the topic and its data; ${optIn("orders")}`,
    ]);
  });

  it("refuses fewer partitions, naming the change", () => {
    expect(refusedTopicChanges([orders], [{ ...orders, partitions: 2 }], T)).toEqual([
      `topic 'orders': partitions 3 → 2 would delete and re-create the topic, losing its data; ${optIn("orders")}`,
    ]);
  });

  it("allows more partitions, another replication factor (replicas move in place), new topics", () => {
    expect(refusedTopicChanges([orders], [{ ...orders, partitions: 6, replicationFactor: 2 }, { name: "new", partitions: 1, replicationFactor: 1 }], T)).toEqual([]);
  });

  it("allows every change to a topic deployed with allowDelete: true", () => {
    const scratch = { ...orders, name: "scratch", allowDelete: true };
    expect(refusedTopicChanges([scratch], [], T)).toEqual([]);
    expect(refusedTopicChanges([scratch], [{ ...scratch, partitions: 1 }], T)).toEqual([]);
  });

  it("treats a deployment from before the flag was exported as protected", () => {
    const { allowDelete: _, ...old } = orders;
    expect(refusedTopicChanges([old], [], T)).toHaveLength(1);
  });

  it("does not accept allowDelete set in the same change as the loss: the deployed flag decides", () => {
    expect(refusedTopicChanges([orders], [{ ...orders, partitions: 1, allowDelete: true }], T)).toHaveLength(1);
  });
});
