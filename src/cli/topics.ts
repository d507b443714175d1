// `npm run topics -- list|describe [TOPIC...] [--stack S]`: the stack's topics, live.
import { stackClient } from "../clients/kafka";
import { adminTls, readStackOutputs, stackFromArgs } from "../clients/stack";
import { positional, runCli } from "./args";

runCli(async () => {
  const [cmd = "list", ...names] = positional(process.argv.slice(2));
  const outputs = readStackOutputs(stackFromArgs(process.argv));
  const admin = stackClient(outputs, adminTls(outputs)).admin();
  await admin.connect();
  try {
    const all = (await admin.listTopics()).filter((t) => !t.startsWith("__")).sort();
    if (cmd === "list") {
      for (const t of all) console.log(t);
      return;
    }
    if (cmd !== "describe") throw new Error(`unknown command '${cmd}' (list|describe)`);
    const topics = names.length > 0 ? names : all;
    const md = await admin.fetchTopicMetadata({ topics });
    for (const t of md.topics) {
      console.log(`${t.name}  partitions=${t.partitions.length}  rf=${t.partitions[0]?.replicas.length ?? 0}`);
      for (const p of [...t.partitions].sort((a, b) => a.partitionId - b.partitionId)) {
        console.log(`  partition ${p.partitionId}  leader=${p.leader}  replicas=${p.replicas.join(",")}  isr=${p.isr.join(",")}`);
      }
    }
  } finally {
    await admin.disconnect();
  }
});
