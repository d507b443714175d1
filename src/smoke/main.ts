// `npm run smoke -- [--stack NAME] [--messages N] [--topic T] [--timeout SECONDS]`: proves a deployed stack works.
import { parseCli, runCli } from "../cli/args";
import { readStackOutputs } from "../clients/stack";
import { SmokeFailure } from "./checks";
import { smoke } from "./smoke";

const USAGE = "npm run smoke -- [--stack S] [--messages N] [--topic T] [--timeout SECONDS]";

runCli(USAGE, async () => {
  const { values: o } = parseCli(process.argv.slice(2), { messages: { type: "int" }, topic: { type: "string" }, timeout: { type: "int" } });
  const outputs = readStackOutputs(o.stack);
  console.log(`smoke test of stack '${o.stack}' (${outputs.bootstrapServers})`);
  try {
    const report = await smoke(outputs, {
      messages: o.messages, topic: o.topic, timeoutMs: o.timeout === undefined ? undefined : o.timeout * 1000,
      log: (l) => console.log(`  ${l}`),
    });
    console.log(`smoke test passed in ${(report.elapsedMs / 1000).toFixed(1)} s`);
  } catch (e) {
    throw new SmokeFailure(`smoke test FAILED: ${(e as Error).message}`);
  }
});
