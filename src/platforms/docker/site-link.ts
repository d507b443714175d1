// The network that links the data centres on one Docker host: every site's brokers (their SITE
// listener) and MirrorMakers join it. It belongs to no site: a site's destroy, or its loss, must
// not cut the others off. So it is ensured, not owned: created when absent, and removed on
// delete only when no container is attached any more (the last site to go takes it along).
// A dynamic provider around the docker CLI, which is where `pulumi up` runs anyway.
import * as pulumi from "@pulumi/pulumi";

interface LinkInputs { name: string }

function docker(args: string[]): { code: number; out: string } {
  const { spawnSync } = require("child_process") as typeof import("child_process");
  const r = spawnSync("docker", args, { encoding: "utf8", timeout: 60_000 });
  if (r.error) throw new Error(`docker ${args[0]} ${args[1] ?? ""}: ${r.error.message}`);
  return { code: r.status ?? 1, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

function ensure(name: string): void {
  if (docker(["network", "inspect", name]).code === 0) return;
  const made = docker(["network", "create", "--driver", "bridge", "--label", "kafka-platform.link=true", name]);
  // Another site's up may have made it a moment ago.
  if (made.code !== 0 && docker(["network", "inspect", name]).code !== 0) throw new Error(`could not create the site network '${name}': ${made.out}`);
}

export const siteLinkProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: LinkInputs) {
    ensure(inputs.name);
    return { id: inputs.name, outs: { name: inputs.name } };
  },
  async read(id: string, props: LinkInputs) {
    // Refresh: a network removed by hand is made again on the next up.
    return docker(["network", "inspect", id]).code === 0 ? { id, props } : { id: "", props };
  },
  async diff(_id: string, olds: LinkInputs, news: LinkInputs) {
    return { changes: olds.name !== news.name, replaces: olds.name !== news.name ? ["name"] : [] };
  },
  async delete(id: string) {
    const attached = docker(["network", "inspect", "-f", "{{len .Containers}}", id]);
    if (attached.code === 0 && attached.out === "0") docker(["network", "rm", id]);
  },
};

export class SiteLink extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  /** The network's name, known at preview: containers attach to it by name. */
  readonly networkName: string;
  constructor(name: string, args: LinkInputs, opts?: pulumi.CustomResourceOptions) {
    super(siteLinkProvider, name, { ...args }, opts);
    this.networkName = args.name;
  }
}
