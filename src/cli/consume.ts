// `npm run consume -- --topic T [--from-beginning] [--group G] [--max N] [--idle-ms MS] [--as USER] [--stack S]`
// Prints `partition offset key value` per message; stops after --max messages, after --idle-ms
// without a message once reading (default 5000), or on Ctrl-C. A consumer that cannot read
// (not authorized, no such topic) exits 1 naming why, instead of reporting "consumed 0".
import { withClient } from "../clients/cluster";
import { readStackOutputs, stackClient } from "../clients/stack";
import { parseCli, runCli, UsageError } from "./args";

const USAGE = "npm run consume -- --topic T [--from-beginning] [--group G] [--max N] [--idle-ms MS] [--as USER] [--stack S]";

runCli(USAGE, async () => {
  const { values: o } = parseCli(process.argv.slice(2), {
    topic: { type: "string" }, group: { type: "string" }, max: { type: "int" }, "idle-ms": { type: "int" },
    "from-beginning": { type: "bool" }, as: { type: "string" },
  });
  if (!o.topic) throw new UsageError("--topic is required");
  const topic = o.topic;
  const outputs = readStackOutputs(o.stack);
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  let n = 0;
  await withClient(stackClient(outputs, o.as, { clientId: "kp-console" }), async (client) => {
    // The topic must exist: a consumer of a missing topic would wait for nothing.
    await client.describeTopics([topic]);
    await client.consume({
      topic, group: o.group, fromBeginning: o["from-beginning"] ?? false, idleMs: o["idle-ms"] ?? 5000,
      firstFetchTimeoutMs: 60_000, signal: stop.signal,
      onMessage: (m) => {
        console.log(`${m.partition}\t${m.offset}\t${m.key ?? ""}\t${m.value}`);
        return ++n >= (o.max ?? Infinity);
      },
    });
  });
  console.error(`consumed ${n} message${n === 1 ? "" : "s"} from ${topic}`);
});
