// What the stack's last deployment declared, read from its own outputs through a StackReference
// to itself (the backend's last checkpoint; nothing is read from the cluster). The program
// compares the new declaration with it before declaring any resource.
import * as pulumi from "@pulumi/pulumi";
import type { LedgerTopic } from "../model/topic-changes";

export interface PreviousDeployment {
  topics: LedgerTopic[];
  /** Ids of the brokers it ran (its `brokers` output: id → address). */
  brokerIds: number[];
}

export async function previousDeployment(): Promise<PreviousDeployment> {
  const self = new pulumi.StackReference("previous-deployment", {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  // A stack never deployed has no outputs: nothing to compare with.
  const read = async (name: string) => {
    const details = await self.getOutputDetails(name);
    return details?.value ?? details?.secretValue;
  };
  const [topics, brokers] = await Promise.all([read("declaredTopics"), read("brokers")]);
  return {
    topics: Array.isArray(topics) ? (topics as LedgerTopic[]) : [],
    brokerIds: brokers && typeof brokers === "object" ? Object.keys(brokers).map(Number).filter(Number.isInteger) : [],
  };
}
