// What the stack's last deployment declared, read from its own outputs through a StackReference
// to itself (the backend's last checkpoint; nothing is read from the cluster). The program
// compares the new declaration with it before declaring any resource.
import * as pulumi from "@pulumi/pulumi";
import type { LedgerTopic } from "../model/topic-changes";

export async function previousTopics(): Promise<LedgerTopic[]> {
  const self = new pulumi.StackReference("previous-deployment", {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  // A stack never deployed has no outputs: nothing to compare with.
  const details = await self.getOutputDetails("declaredTopics");
  const value = details?.value ?? details?.secretValue;
  return Array.isArray(value) ? (value as LedgerTopic[]) : [];
}
