// `npm run produce -- --topic T [--stack S]`: one message per stdin line, `key:value` or `value`.
import * as readline from "node:readline";
import { stackClient } from "../clients/kafka";
import { adminTls, readStackOutputs, stackFromArgs } from "../clients/stack";
import { option, runCli } from "./args";

runCli(async () => {
  const topic = option("topic");
  if (!topic) throw new Error("--topic is required");
  const outputs = readStackOutputs(stackFromArgs(process.argv));
  const producer = stackClient(outputs, adminTls(outputs)).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let n = 0;
  try {
    for await (const line of readline.createInterface({ input: process.stdin })) {
      if (line === "") continue;
      const i = line.indexOf(":");
      const message = i > 0 ? { key: line.slice(0, i), value: line.slice(i + 1) } : { value: line };
      await producer.send({ topic, acks: -1, messages: [message] });
      n++;
    }
  } finally {
    await producer.disconnect();
  }
  console.error(`produced ${n} message${n === 1 ? "" : "s"} to ${topic}`);
});
