// `npm run produce -- --topic T [--as USER] [--stack S]`: one message per stdin line, `key:value`
// or `value`, each acknowledged by all in-sync replicas before the next is read.
import * as readline from "readline";
import { withClient } from "../clients/cluster";
import { readStackOutputs, stackClient } from "../clients/stack";
import { parseCli, runCli, UsageError } from "./args";

const USAGE = "npm run produce -- --topic T [--as USER] [--stack S]  (stdin: key:value or value per line)";

runCli(USAGE, async () => {
  const { values: o } = parseCli(process.argv.slice(2), { topic: { type: "string" }, as: { type: "string" } });
  if (!o.topic) throw new UsageError("--topic is required");
  const topic = o.topic;
  const outputs = readStackOutputs(o.stack);
  let n = 0;
  await withClient(stackClient(outputs, o.as, { clientId: "kp-console" }), async (client) => {
    const producer = await client.producer();
    try {
      for await (const line of readline.createInterface({ input: process.stdin })) {
        if (line === "") continue;
        const i = line.indexOf(":");
        await producer.send(topic, [i > 0 ? { key: line.slice(0, i), value: line.slice(i + 1) } : { value: line }]);
        n++;
      }
    } finally {
      await producer.close();
    }
  });
  console.error(`produced ${n} message${n === 1 ? "" : "s"} to ${topic}`);
});
