// `npm run consume -- --topic T [--from-beginning] [--group G] [--max N] [--idle-ms MS] [--stack S]`
// Prints `partition offset key value` per message; stops after --max messages, or after
// --idle-ms without a message (default 5000), or on Ctrl-C.
import { stackClient } from "../clients/kafka";
import { adminTls, readStackOutputs, stackFromArgs } from "../clients/stack";
import { flag, option, runCli } from "./args";

runCli(async () => {
  const topic = option("topic");
  if (!topic) throw new Error("--topic is required");
  const max = option("max") ? Number(option("max")) : Infinity;
  const idleMs = Number(option("idle-ms") ?? 5000);
  const outputs = readStackOutputs(stackFromArgs(process.argv));
  const consumer = stackClient(outputs, adminTls(outputs)).consumer({
    groupId: option("group") ?? `kp-console-${process.pid}-${Date.now()}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: flag("from-beginning") });
  let n = 0;
  await new Promise<void>((resolve) => {
    let idle = setTimeout(resolve, idleMs + 10_000); // the first fetch waits for the group join
    process.once("SIGINT", resolve);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        console.log(`${partition}\t${message.offset}\t${message.key?.toString() ?? ""}\t${message.value?.toString() ?? ""}`);
        clearTimeout(idle);
        idle = setTimeout(resolve, idleMs);
        if (++n >= max) resolve();
      },
    });
  });
  await consumer.disconnect();
  console.error(`consumed ${n} message${n === 1 ? "" : "s"} from ${topic}`);
});
