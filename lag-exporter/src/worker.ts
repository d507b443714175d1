// The poll worker: owns the cluster connections and the model; answers "poll" with the text of
// one poll (or its error), "close" by disconnecting and exiting. See poller.ts.
import { parentPort, workerData } from "worker_threads";
import type { ClientOptions } from "../../src/clients/cluster";
import { LagReader } from "../../src/clients/lag-reader";
import { InlinePoller, PollError, type PollSettings } from "./poller";

export interface WorkerSettings extends PollSettings {
  client: ClientOptions;
}

const settings = workerData as WorkerSettings;
const poller = new InlinePoller(new LagReader(settings.client), settings);

parentPort!.on("message", (msg: string) => {
  if (msg === "close") {
    void poller.close().finally(() => process.exit(0));
    return;
  }
  poller.poll().then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (e: unknown) => parentPort!.postMessage({ ok: false, kind: e instanceof PollError ? e.kind : "unknown", message: (e as Error).message ?? String(e) }),
  );
});
