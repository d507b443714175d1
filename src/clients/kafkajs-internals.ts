// The kafkajs internals this client layer relies on, in one place: a bare cluster (its public API
// hides requests we need), a broker connection of our own, and requests sent "raw" — decoded but
// not checked, so a partition or group error is data, not an exception that hides the rest of the
// answer. Pinned to kafkajs 2.2.4 (package.json); an upgrade re-checks this file first.
import type { Kafka } from "kafkajs";

// kafkajs ships no types for its internals.
export type RawBroker = any;
export type RawCluster = any;

/** Kafka API keys of the requests sent raw. */
export const API = { ListOffsets: 2, Metadata: 3, OffsetFetch: 9, DescribeGroups: 15, ListGroups: 16, DescribeConfigs: 32 } as const;

const symbol = (o: object, description: string) => Object.getOwnPropertySymbols(o).find((s) => s.description === description)!;

/** A kafkajs cluster (not connected) with kafkajs' own connection, TLS and SASL settings. */
export function createCluster(kafka: Kafka): RawCluster {
  return (kafka as any)[symbol(kafka, "private:Kafka:createCluster")]({ allowAutoTopicCreation: false });
}

/** A connection to one broker of `cluster` (by its advertised address), authenticated like the cluster's. */
export async function connectBroker(cluster: RawCluster, nodeId: number, host: string, port: number): Promise<RawBroker> {
  const pool = cluster.brokerPool;
  const broker = pool.createBroker({
    logger: pool.rootLogger,
    versions: pool.versions,
    connectionPool: await pool.connectionPoolBuilder.build({ host, port }),
    nodeId,
  });
  await broker.connect();
  return broker;
}

const REQUEST_MODULES: Record<number, string> = {
  [API.ListOffsets]: "ListOffsets", [API.Metadata]: "Metadata", [API.OffsetFetch]: "OffsetFetch",
  [API.DescribeGroups]: "DescribeGroups", [API.ListGroups]: "ListGroups", [API.DescribeConfigs]: "DescribeConfigs",
};

/** Sends one request at the highest version both sides speak; returns the decoded response unchecked. */
export async function sendRaw<T>(broker: RawBroker, apiKey: number, args: object): Promise<T> {
  const { requests } = require("kafkajs/src/protocol/requests");
  const send = symbol(Object.getPrototypeOf(broker), "private:Broker:sendRequest");
  const { request, response } = broker.lookupRequest(apiKey, requests[REQUEST_MODULES[apiKey]])(args);
  return broker[send]({ request, response: { ...response, parse: async (data: T) => data } });
}

/** kafkajs' error (type, retriable) for a Kafka error code. */
export function errorFromCode(code: number): Error {
  const { createErrorFromCode } = require("kafkajs/src/protocol/error");
  return createErrorFromCode(code);
}

/** The topic → partitions a consumer-protocol member was assigned, or [] for other protocols. */
export function decodeAssignment(bytes: Buffer | null | undefined): { topic: string; partitions: number[] }[] {
  if (!bytes || bytes.length === 0) return [];
  const { AssignerProtocol } = require("kafkajs");
  try {
    const a = AssignerProtocol.MemberAssignment.decode(bytes);
    return a ? Object.entries(a.assignment as Record<string, number[]>).map(([topic, partitions]) => ({ topic, partitions })) : [];
  } catch {
    return [];
  }
}

/** A Metadata response as decoded, before kafkajs' checks. */
export interface RawMetadata {
  brokers: { nodeId: number; host: string; port: number }[];
  controllerId?: number;
  topicMetadata: {
    topicErrorCode: number;
    topic: string;
    partitionMetadata: { partitionErrorCode: number; partitionId: number; leader: number; replicas: number[]; isr: number[] }[];
  }[];
}

/** A DescribeConfigs response's resource as decoded (v1+), before kafkajs' checks. */
export interface RawConfigResource {
  errorCode: number;
  resourceName: string;
  configEntries: { configName: string; configValue: string | null; configSource: number; isSensitive: boolean }[];
}
