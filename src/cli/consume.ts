// `npm run consume -- --topic T [--from-beginning] [--group G] [--max N] [--idle-ms MS] [--as USER] [--stack S]`
// Prints `partition offset key value` per message; stops after --max messages, after --idle-ms
// without a message once reading (default 5000), or on Ctrl-C. A consumer that cannot read
// (not authorized, no such topic) exits 1 naming why, instead of reporting "consumed 0". As a
// user (--as) it reads in the group that user's consumer role names, unless --group says otherwise.
import { withClient } from "../clients/cluster";
import { ClusterError } from "../clients/errors";
import { parsePattern, patternMatches } from "../model/acls";
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
  // As a user, read in the group its consumer role names for this topic, unless told otherwise.
  const user = outputs.principals?.find((p) => p.name === o.as);
  const consumerRole = user?.roles.find((r) => r.role === "consumer" && patternMatches(parsePattern(r.topic), topic));
  const roleGroup = consumerRole?.role === "consumer" ? consumerRole.group : undefined;
  // A prefix ("app-*") names no single group: then a fresh one, as without a role.
  const group = o.group ?? (roleGroup && parsePattern(roleGroup).pattern === "Literal" ? roleGroup : undefined);
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  let n = 0;
  await withClient(stackClient(outputs, o.as, { clientId: "kp-console" }), async (client) => {
    // The topic must exist: a consumer of a missing topic would wait for nothing.
    await client.describeTopics([topic]);
    await client.consume({
      topic, group, fromBeginning: o["from-beginning"] ?? false, idleMs: o["idle-ms"] ?? 5000,
      firstFetchTimeoutMs: 60_000, signal: stop.signal,
      onMessage: (m) => {
        console.log(`${m.partition}\t${m.offset}\t${m.key ?? ""}\t${m.value}`);
        return ++n >= (o.max ?? Infinity);
      },
    }).catch((e) => {
      // A user without a consumer role for the topic is refused its (fresh) group first: say why.
      if (user && !consumerRole && e instanceof ClusterError && e.kind === "authorization") {
        throw new ClusterError(e.kind, `${e.message}: '${user.name}' has no consumer role for topic '${topic}' (its roles: ${user.roles.map((r) => "topic" in r ? `${r.role} of ${r.topic}` : r.role).join(", ") || "none"})`, false, e.code);
      }
      throw e;
    });
  });
  console.error(`consumed ${n} message${n === 1 ? "" : "s"} from ${topic}`);
});
