// What both steps of a roll (the guard before a broker goes down, the gate after it is back)
// are given, and the admin client they ask the cluster with: short requests, no retries of its
// own — the steps' bounded waits do the retrying.
import { ClusterClient, type Identity } from "../clients/cluster";

export interface RollStepInputs {
  brokerId: number;
  timeoutSeconds: number;
  /** Host-reachable addresses of the brokers that exist at this point of the roll. */
  brokers: string[];
  /** The admin's identity on a secure cluster (a secret); none on a plaintext one. */
  identity?: Identity;
}

export async function withRollClient<T>(inputs: Pick<RollStepInputs, "brokers" | "identity">, use: (client: ClusterClient) => Promise<T>): Promise<T> {
  const client = new ClusterClient({
    bootstrapServers: inputs.brokers, identity: inputs.identity, principal: "admin", clientId: "kafka-platform-roll",
    requestTimeoutMs: 10_000, retries: 0,
  });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
