// The local Kubernetes of `npm run k8s` (scripts/k8s.sh) for e2e tests: start and stop it, run
// kubectl against it, and snapshot the host state that `down` must give back.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, run, runAsync, type RunResult } from "./exec";

export const k8sDir = path.join(repoRoot, ".tools/k8s");
/** The admin kubeconfig that `up` writes, and its one context. */
export const kubeconfigPath = path.join(k8sDir, "kubeconfig");
export const kubeContext = "kafka-platform-local";
export const kubectlPath = path.join(k8sDir, "bin/kubectl");

export interface LocalCluster {
  kubeconfig: string;
  context: string;
  /** false when the cluster was already running (or partly running) before: leave it running. */
  startedHere: boolean;
}

/** `k8s.sh status`: code 0 up and Ready, 3 stopped, 1 partly up or not Ready. */
export function localClusterStatus(): RunResult {
  return run("bash", ["scripts/k8s.sh", "status"], { timeoutMs: 30_000 });
}

/**
 * `k8s.sh up` (setup included: a cold build takes ~10 min, a warm re-up seconds), bounded.
 * Throws with the script's output when it fails or times out.
 */
export async function localClusterUp(opts: { timeoutMs?: number } = {}): Promise<LocalCluster> {
  const startedHere = localClusterStatus().code === 3;
  const r = await runAsync("bash", ["scripts/k8s.sh", "up"], { timeoutMs: opts.timeoutMs ?? 25 * 60_000 });
  if (r.code !== 0) {
    throw new Error(`k8s up ${r.code === null ? "timed out" : `exited ${r.code}`}\n${r.stdout}${r.stderr}`);
  }
  return { kubeconfig: kubeconfigPath, context: kubeContext, startedHere };
}

/** `k8s.sh down` (deletes the cluster's state), bounded; throws with its output on failure. */
export async function localClusterDown(opts: { timeoutMs?: number; keepData?: boolean } = {}): Promise<RunResult> {
  const r = await runAsync("bash", ["scripts/k8s.sh", "down", ...(opts.keepData ? ["--keep-data"] : [])],
    { timeoutMs: opts.timeoutMs ?? 5 * 60_000 });
  if (r.code !== 0) {
    throw new Error(`k8s down ${r.code === null ? "timed out" : `exited ${r.code}`}\n${r.stdout}${r.stderr}`);
  }
  return r;
}

/** kubectl of the cluster with its kubeconfig and context; never throws on a non-zero exit. */
export function kubectl(args: string[], opts: { input?: string; timeoutMs?: number } = {}): RunResult {
  // --cache-dir: the discovery cache with the cluster, not in ~/.kube.
  return run(kubectlPath, ["--kubeconfig", kubeconfigPath, "--context", kubeContext, "--cache-dir", path.join(k8sDir, "kubectl-cache"), ...args], {
    input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000,
  });
}

/** Like kubectl, but a non-zero exit is an error carrying the output. */
export function kubectlOk(args: string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  const r = kubectl(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${r.code}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** What `k8s down` must give back, as plain data: equal snapshots compare equal with toEqual. */
export interface HostSnapshot {
  /** Sysctls the kubelet, kube-proxy and the CNI plugins set, by their /proc/sys path. */
  sysctls: Record<string, string>;
  /** Chain names per table, for IPv4 and IPv6: "nat KUBE-SERVICES". */
  iptablesChains: { v4: string[]; v6: string[] };
  /** Rules that name a KUBE-* or CNI-* chain (e.g. a jump left in FORWARD). */
  iptablesKubeRules: { v4: string[]; v6: string[] };
  /** Interfaces and their addresses ("name: addr/prefix …"), Docker's own left out. */
  interfaces: string[];
  /** Routes of the main table that do not go through Docker's interfaces. */
  routes: string[];
  /** Mount points under the repo, the kubelet's default root, /run/netns, /tmp/hostpath_pv. */
  mounts: string[];
  /** Command lines of the cluster's processes (binaries in .tools/k8s, its containerd's shims). */
  processes: string[];
  /** Paths a cluster creates outside the repo, where they exist. */
  paths: string[];
}

const SYSCTLS = [
  "vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic", "kernel/panic_on_oops", "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes", "net/ipv4/ip_forward", "net/ipv6/conf/all/forwarding",
  "net/bridge/bridge-nf-call-iptables", "net/bridge/bridge-nf-call-ip6tables", "net/bridge/bridge-nf-call-arptables",
  "net/netfilter/nf_conntrack_max", "net/netfilter/nf_conntrack_tcp_timeout_established",
  "net/netfilter/nf_conntrack_tcp_timeout_close_wait",
];

/** Docker's interfaces (its bridges and their veths) come and go with other tests' containers. */
function isDockers(name: string, master: string | undefined): boolean {
  const docker = (n: string) => n === "docker0" || n.startsWith("br-");
  return docker(name) || (master !== undefined && docker(master));
}

function readSysctl(p: string): string | undefined {
  try {
    return fs.readFileSync(path.join("/proc/sys", p), "utf8").trim().replace(/\s+/g, " ");
  } catch {
    return undefined;
  }
}

function chains(tool: "iptables-save" | "ip6tables-save"): { names: string[]; kubeRules: string[] } {
  const out = run(tool, [], { timeoutMs: 30_000 });
  if (out.code !== 0) throw new Error(`${tool} exited ${out.code}: ${out.stderr}`);
  const names: string[] = [];
  const kubeRules: string[] = [];
  let table = "";
  for (const line of out.stdout.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1);
    else if (line.startsWith(":")) names.push(`${table} ${line.slice(1).split(" ")[0]}`);
    else if (line.startsWith("-A ") && /\b(KUBE|CNI)-/.test(line)) kubeRules.push(`${table} ${line}`);
  }
  return { names: names.sort(), kubeRules: kubeRules.sort() };
}

export function hostSnapshot(): HostSnapshot {
  const links = JSON.parse(runOkJson("ip", ["-j", "addr", "show"])) as {
    ifname: string; master?: string; addr_info?: { local: string; prefixlen: number }[];
  }[];
  const ours = links.filter((l) => !isDockers(l.ifname, l.master));
  const interfaces = ours.map((l) => `${l.ifname}: ${(l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`).sort().join(" ")}`).sort();

  const sysctls: Record<string, string> = {};
  for (const p of [...SYSCTLS, "net/ipv4/conf/all/route_localnet", "net/ipv4/conf/default/route_localnet",
    ...ours.map((l) => `net/ipv4/conf/${l.ifname}/route_localnet`)]) {
    const v = readSysctl(p);
    if (v !== undefined) sysctls[p] = v;
  }

  const routes = (JSON.parse(runOkJson("ip", ["-j", "route", "show"])) as { dst: string; dev?: string }[])
    .filter((r) => r.dev === undefined || !isDockers(r.dev, undefined)).map((r) => `${r.dst} dev ${r.dev ?? "-"}`).sort();

  const realK8s = fs.existsSync(k8sDir) ? fs.realpathSync(k8sDir) : k8sDir;
  const under = [repoRoot, "/var/lib/kubelet", "/run/netns", "/var/run/netns", "/tmp/hostpath_pv"];
  const mounts = fs.readFileSync("/proc/mounts", "utf8").split("\n")
    .map((l) => (l.split(" ")[1] ?? "").replace(/\\040/g, " "))
    .filter((m) => under.some((u) => m === u || m.startsWith(`${u}/`))).sort();

  const processes: string[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    } catch {
      continue; // exited meanwhile
    }
    if (cmdline.includes(k8sDir) || cmdline.includes(realK8s)) processes.push(cmdline);
  }
  // And what runs in pods (children of the shims): every process in the kubepods cgroups.
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name === "cgroup.procs") {
        for (const pid of fs.readFileSync(path.join(dir, e.name), "utf8").split("\n").filter(Boolean)) {
          processes.push(`pod process ${pid} in ${dir}`);
        }
      }
    }
  };
  for (const c of fs.readdirSync("/sys/fs/cgroup")) {
    const kubepods = `/sys/fs/cgroup/${c}/kubepods`;
    if (fs.existsSync(kubepods)) walk(kubepods);
  }

  const paths = ["/tmp/hostpath_pv", "/var/lib/cni", "/run/netns", "/var/lib/kubelet", "/etc/cni", "/opt/cni",
    "/opt/containerd", "/run/containerd/runc", "/var/run/kubernetes", "/var/log/pods", "/var/log/containers",
    "/usr/libexec/kubernetes", "/etc/kubernetes",
    ...fs.readdirSync("/sys/fs/cgroup").map((c) => `/sys/fs/cgroup/${c}/kubepods`)]
    .filter((p) => { try { fs.lstatSync(p); return true; } catch { return false; } }).sort();

  const v4 = chains("iptables-save");
  const v6 = chains("ip6tables-save");
  return {
    sysctls,
    iptablesChains: { v4: v4.names, v6: v6.names },
    iptablesKubeRules: { v4: v4.kubeRules, v6: v6.kubeRules },
    interfaces,
    routes,
    mounts,
    processes: processes.sort(),
    paths,
  };
}

function runOkJson(cmd: string, args: string[]): string {
  const r = run(cmd, args, { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
