// `npm run topics -- list|describe [TOPIC...] [--as USER] [--stack S]`: the stack's topics, live.
import { withClient } from "../clients/cluster";
import { readStackOutputs, stackClient } from "../clients/stack";
import { parseCli, runCli, UsageError } from "./args";

const USAGE = "npm run topics -- list|describe [TOPIC...] [--as USER] [--stack S]";

runCli(USAGE, async () => {
  const { values: o, positionals } = parseCli(process.argv.slice(2), { as: { type: "string" } }, Infinity);
  const [cmd = "list", ...names] = positionals;
  if (cmd !== "list" && cmd !== "describe") throw new UsageError(`unknown command '${cmd}' (list|describe)`);
  if (cmd === "list" && names.length) throw new UsageError("list takes no topic names");
  const outputs = readStackOutputs(o.stack);
  await withClient(stackClient(outputs, o.as, { clientId: "kp-console" }), async (client) => {
    const all = (await client.listTopics()).filter((t) => !t.startsWith("__"));
    if (cmd === "list") {
      for (const t of all) console.log(t);
      return;
    }
    for (const t of await client.describeTopics(names.length > 0 ? names : all)) {
      console.log(`${t.name}  partitions=${t.partitions.length}  rf=${t.partitions[0]?.replicas.length ?? 0}`);
      for (const p of t.partitions) console.log(`  partition ${p.id}  leader=${p.leader}  replicas=${p.replicas.join(",")}  isr=${p.isr.join(",")}`);
    }
  });
});
