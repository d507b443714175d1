// `dr rebuild --stack S`: site S is lost (its brokers, their data and containers are gone) and
// is to be rebuilt from code. Its stack's state still lists what the site had; a plain `up` would
// believe all of it exists. This forgets, in state only, everything that lived in the lost site
// — containers, volumes, networks, topics, ACLs, quotas, users, the roll's gates, Kubernetes
// objects — and keeps what lives outside it: generated CAs, certificates and passwords (clients
// keep their credentials), images, the link between sites. Then `pulumi up` rebuilds the site as
// declared. Refused while the site's cluster answers (it is not lost) or anything of it remains.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ClusterClient, withClient } from "../clients/cluster";
import { pulumiSync } from "../clients/stack";
import { within } from "../clients/wait";
import { siteLeftovers } from "./mirror-control";
import { DrRefusal, type Site } from "./sites";

interface StateResource { urn: string; type: string; custom?: boolean; id?: string; dependencies?: string[]; propertyDependencies?: Record<string, string[]>; parent?: string }

/** What lived in the site (gone with it) as opposed to what the program made elsewhere (kept). */
export function livedInSite(r: StateResource): boolean {
  if (!r.custom) return false; // components, the stack, StackReferences' reads are not in the site
  if (/^docker:index\/(container|volume|network):/.test(r.type)) return true;
  if (r.type.startsWith("kafka:")) return true;
  if (r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:index")) return true;
  // Dynamic resources: the roll's gates and rollout waits watched the lost nodes.
  return r.type === "pulumi-nodejs:dynamic:Resource" && /(-in-sync|-rolled-out|-rollout)$/.test(r.urn);
}

const pulumi = (site: Site, args: string[], timeoutMs = 120_000) => {
  const r = pulumiSync([...args, "--stack", site.stack], undefined, timeoutMs);
  if (r.status !== 0) throw new Error(`pulumi ${args[0]} ${args[1] ?? ""} failed: ${(r.stderr || r.stdout).trim().split("\n").at(-1)}`);
  return r.stdout;
};

export async function forgetLostSite(site: Site, print: (line: string) => void): Promise<number> {
  const alive = await within(15_000, () => withClient(new ClusterClient({ ...site.options, retries: 0 }), (c) => c.describeCluster()), "the site").then(() => true, () => false);
  if (alive) throw new DrRefusal(`site '${site.alias}' answers (its brokers are up): it is not lost; rebuild is for a site whose cluster is gone`);
  const left = siteLeftovers(site.outputs.target ?? "docker", `kp-${site.stack.split("/").at(-1)}`);
  if (left.length) {
    throw new DrRefusal(`site '${site.alias}' is down, not gone: ${left.slice(0, 4).join(", ")}${left.length > 4 ? ", …" : ""} remain. ` +
      `Start it again (npm run up -- ${site.stack}); to rebuild it from nothing, remove them first (its data goes with them)`);
  }
  const exported = JSON.parse(pulumi(site, ["stack", "export"])) as { deployment: { resources?: StateResource[] } };
  const resources = exported.deployment.resources ?? [];
  const gone = new Set(resources.filter(livedInSite).map((r) => r.urn));
  if (gone.size === 0) {
    print(`rebuild: the state of '${site.stack}' lists nothing of the lost site: run \`npm run up -- ${site.stack}\``);
    return 0;
  }
  const keep = resources.filter((r) => !gone.has(r.urn)).map((r) => ({
    ...r,
    ...(r.dependencies ? { dependencies: r.dependencies.filter((d) => !gone.has(d)) } : {}),
    ...(r.propertyDependencies ? { propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.filter((d) => !gone.has(d))])) } : {}),
  }));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kp-dr-")), "state.json");
  try {
    fs.writeFileSync(file, JSON.stringify({ ...exported, deployment: { ...exported.deployment, resources: keep } }), { mode: 0o600 });
    pulumi(site, ["stack", "import", "--file", file]);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  print(`rebuild: forgot ${gone.size} resources of the lost site '${site.alias}' (kept ${keep.length}: credentials, certificates, images, the site link); now: npm run up -- ${site.stack}`);
  return gone.size;
}
