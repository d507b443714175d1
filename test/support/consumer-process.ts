// A consumer group member in a process of its own: the application of a site, which dies with
// the site (SIGKILL) and so can never come back as a member of a rebuilt site, as a kafkajs
// consumer in the test's own process did (it restarts itself after a crash).
// argv: bootstrap servers (comma-separated), topic, group. stdout: one JSON line per record,
// {"ready":true} after the first fetch, {"commit":[{partition, offset}]} after each commit.
import { ClusterClient } from "../../src/clients/cluster";

const [bootstrap, topic, group] = process.argv.slice(2);
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
// An application's patience (kafkajs' default retries, restarts after a retriable crash): CI saw a
// fresh site answer COORDINATOR_NOT_AVAILABLE to a join after the coordinator had been found. It
// need not fail fast: it dies by SIGKILL with its site.
const client = new ClusterClient({ bootstrapServers: bootstrap.split(","), clientId: "e2e-app" });
client.consume({
  topic, group, fromBeginning: true,
  onFirstFetch: () => out({ ready: true }),
  onMessage: (m) => { out({ topic: m.topic, partition: m.partition, offset: Number(m.offset), value: m.value }); },
  onCommit: (offsets) => out({ commit: offsets.map(({ partition, offset }) => ({ partition, offset })) }),
  onRetriableCrash: (cause) => process.stderr.write(`restarting after: ${cause}\n`),
}).then(() => process.exit(0), (e: Error) => { process.stderr.write(`${e.message}\n`); process.exit(1); });
