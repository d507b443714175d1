// `node src/recovery/main.ts --stack NAME`: run by `npm run up` before `pulumi up`.
import { parseCli, runCli } from "../cli/args";
import { recoverInterruptedUp } from "./interrupted-up";

runCli("node src/recovery/main.ts --stack S", async () => {
  const { values: o } = parseCli(process.argv.slice(2), {});
  const done = recoverInterruptedUp({ stack: o.stack });
  if (done.length) console.log(`recovered from an interrupted up of stack '${o.stack}':\n  ${done.join("\n  ")}`);
});
