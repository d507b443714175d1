// `npm run smoke -- [--stack NAME] [--messages N] [--topic T]`: proves a deployed stack works.
import { option, runCli } from "../cli/args";
import { readStackOutputs, stackFromArgs } from "../clients/stack";
import { smoke } from "./smoke";

runCli(async () => {
  const stack = stackFromArgs(process.argv);
  const outputs = readStackOutputs(stack);
  console.log(`smoke test of stack '${stack}' (${outputs.bootstrapServers})`);
  try {
    const report = await smoke(outputs, {
      messages: option("messages") ? Number(option("messages")) : undefined,
      topic: option("topic"),
      log: (l) => console.log(`  ${l}`),
    });
    console.log(`smoke test passed in ${(report.elapsedMs / 1000).toFixed(1)} s`);
  } catch (e) {
    throw new Error(`smoke test FAILED: ${(e as Error).name}: ${(e as Error).message}`);
  }
});
