#!/usr/bin/env bash
# `npm run k8s -- up|down|status|images`: a local single-node Kubernetes (v1.35.4), built from
# package registries by `npm run setup` (step kubernetes) and run as host processes:
# containerd (a second one, Docker's is left alone), etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet, kube-proxy and kp-volumes (ours: the default
# StorageClass's provisioner); CoreDNS runs as a pod.
#   up [--no-setup]   setup with KP_WITH_KUBERNETES=1 (binaries, pause/CoreDNS images, the
#                     project's images), then start what is not running, import changed images,
#                     wait (bounded) for the apiserver, the node and CoreDNS. Idempotent: on a
#                     running cluster it checks health and re-imports changed images.
#   down [--keep-data]  stop every process, remove every pod (CRI), and undo every host change:
#                     sysctls, iptables/ip6tables chains, interfaces, the address, mounts,
#                     cgroups, /tmp/hostpath_pv. Deletes the cluster's state (etcd, volumes)
#                     unless --keep-data; keeps certificates, binaries and the image store.
#   status            one line per process, the node, the kubeconfig; exit 0 when up and Ready,
#                     3 when stopped, 1 otherwise.
#   images            import the project's images that changed into the cluster's containerd.
# Everything lives in .tools/k8s: bin (links into the build cache), pki, conf, data, run (pid
# files), logs (each process's log and each command's steps). Admin kubeconfig:
# .tools/k8s/kubeconfig, context kafka-platform-local. Needs root (network, mounts, cgroups).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$KP_ROOT/scripts/k8s/env.sh"
cd "$KP_ROOT"

# The cluster's addresses: all on interfaces this script creates, none routed off the machine.
NODE_NAME=kafka-platform-node
NODE_IF=kpk8s0                 # a bridge with no ports, holding the node address
NODE_IP=10.213.0.1             # apiserver bind/advertise address, kubelet --node-ip
CNI_BRIDGE=kpk8s-cni0          # the pods' bridge (CNI bridge plugin)
CLUSTER_CIDR=10.214.0.0/16
POD_SUBNET=10.214.0.0/24
POD_GATEWAY=10.214.0.1
SERVICE_CIDR=10.215.0.0/16     # routed to NODE_IF: a service address never leaves the machine
API_SERVICE_IP=10.215.0.1
DNS_IP=10.215.0.10
NODEPORT_RANGE=30000-32767
CONTEXT=kafka-platform-local
PKI="$K8S_DIR/pki" CONF="$K8S_DIR/conf" DATA="$K8S_DIR/data" RUN="$K8S_DIR/run" LOGS="$K8S_DIR/logs"
SOCK="$K8S_DIR/containerd/containerd.sock"
ADMIN_KUBECONFIG="$K8S_DIR/kubeconfig"
HOST_RECORD="$K8S_DIR/host-before"   # the host's settings before `up` changed them
IMAGES_RECORD="$K8S_DIR/images-imported"
# The controller-manager's hostPath provisioner makes /tmp/hostpath_pv/<uuid> (fixed in
# Kubernetes: pkg/volume/hostpath) and its deleter removes only paths under /tmp/: this link
# sends the volumes to $DATA/volumes.
HOSTPATH_LINK=/tmp/hostpath_pv
# Folders outside the project that the cluster creates (paths fixed in the kubelet and libcni):
# removed by `down` when `up` found them absent.
#   /var/lib/cni            libcni's cache (results/), cleared by CNI DEL
#   /var/lib/kubelet        only device-plugins/kubelet.sock (a constant of the device manager)
#   /var/log/containers     the kubelet's links to the containers' logs (in data/pod-logs)
#   /run/netns              (containerd keeps netns under its state folder: netns_mounts_under_state_dir)
OUTSIDE=(/var/lib/cni /var/lib/kubelet /var/log/containers /run/netns "$HOSTPATH_LINK")
PROCS=(containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kp-volumes)
# The sysctls the kubelet (setupKernelTunables), kube-proxy, the CNI bridge plugin and Docker's
# br_netfilter touch; `down` sets back each that changed. route_localnet: every interface's.
SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.bridge.bridge-nf-call-iptables
  net.bridge.bridge-nf-call-ip6tables net.bridge.bridge-nf-call-arptables net.netfilter.nf_conntrack_max
  net.netfilter.nf_conntrack_tcp_timeout_established net.netfilter.nf_conntrack_tcp_timeout_close_wait)

usage="usage: npm run k8s -- up [--no-setup] | down [--keep-data] | status | images"
cmd="${1:-}"; [ $# -gt 0 ] && shift
opt_setup=1 opt_keep=""
for a in "$@"; do
  case "$cmd:$a" in
    up:--no-setup) opt_setup="" ;;
    down:--keep-data) opt_keep=1 ;;
    *) printf "error: unknown argument '%s'\n%s\n" "$a" "$usage" >&2; exit 2 ;;
  esac
done
case "$cmd" in up|down|status|images) ;; -h|--help) echo "$usage"; exit 0 ;; *) echo "$usage" >&2; exit 2 ;; esac

# ---------------------------------------------------------------------------------------------
# Steps: each runs with its output in logs/<cmd>.log and prints one line (duration, result).
# Inside a step: `say` sets the step's result line, `fail CAUSE [LOG]` ends it (and the command).
ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { local d=$(( $(ms) - $1 )); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }
say() { printf '%s\n' "$*" >&3; }
fail() { printf 'FAIL\t%s\t%s\n' "$1" "${2:-}" >&3; exit 1; }
T_ALL=$(ms)
run_step() {
  local name="$1" t0 rc line log="$LOGS/$cmd.log" res="$LOGS/.step.result"; shift
  t0=$(ms)
  printf '### %s %s %s\n' "$(date -Is)" "$cmd" "$name" >>"$log"
  set +e
  ( set -e; "$@" ) >>"$log" 2>&1 3>"$res"
  rc=$?
  set -e
  line="$(tail -n 1 "$res" 2>/dev/null || true)"
  if [ "$rc" != 0 ]; then
    local cause="exit $rc" where="$log"
    if [[ "$line" == FAIL$'\t'* ]]; then
      cause="$(cut -f2 <<<"$line")"; where="$(cut -f3 <<<"$line")"; where="${where:-$log}"
    fi
    {
      printf 'k8s %s: step %s FAILED after %s s: %s\n' "$cmd" "$name" "$(secs "$t0")" "$cause"
      printf 'k8s %s: the last lines of %s:\n' "$cmd" "$where"
      tail -n 25 "$where" | sed 's/^/  | /'
      [ "$where" = "$log" ] || printf 'k8s %s: steps log: %s\n' "$cmd" "$log"
    } >&2
    exit 1
  fi
  printf 'k8s %-6s %-12s %6s s  %s\n' "$cmd" "$name" "$(secs "$t0")" "$line"
}

need_root() { [ "$(id -u)" = 0 ] || { echo "error: npm run k8s -- $cmd needs root (network, mounts, cgroups)" >&2; exit 1; }; }

# Fills @VARS@ of a template of scripts/k8s into conf/.
render() {
  local src="$1" dst="$2"
  sed -e "s#@K8S_DIR@#$K8S_DIR#g; s#@SOCK@#$SOCK#g; s#@PKI@#$PKI#g; s#@NODE_IP@#$NODE_IP#g" \
      -e "s#@NODE_NAME@#$NODE_NAME#g; s#@CLUSTER_CIDR@#$CLUSTER_CIDR#g; s#@POD_SUBNET@#$POD_SUBNET#g" \
      -e "s#@POD_GATEWAY@#$POD_GATEWAY#g; s#@CNI_BRIDGE@#$CNI_BRIDGE#g; s#@DNS_IP@#$DNS_IP#g" \
      -e "s#@PAUSE_IMAGE@#$(docker_ref "$K8S_PAUSE_IMAGE")#g; s#@COREDNS_IMAGE@#$K8S_COREDNS_IMAGE#g" \
      "scripts/k8s/$src" >"$dst.tmp"
  if grep -q '@[A-Z_]*@' "$dst.tmp"; then fail "unfilled placeholder in scripts/k8s/$src: $(grep -o '@[A-Z_]*@' "$dst.tmp" | sort -u | xargs)"; fi
  mv "$dst.tmp" "$dst"
}
# containerd's name of a Docker image reference (docker.io/ prefix for Docker Hub names).
docker_ref() { case "${1%%/*}" in *.*|*:*|localhost) echo "$1" ;; *) case "$1" in */*) echo "docker.io/$1" ;; *) echo "docker.io/library/$1" ;; esac ;; esac; }

# --cache-dir: not ~/.kube/cache.
kubectl_() { "$K8S_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" --cache-dir "$K8S_DIR/kubectl-cache" --request-timeout=10s "$@"; }
ctr_() { ctr -a "$SOCK" -n k8s.io "$@"; }

# ---------------------------------------------------------------------------------------------
# Processes: started detached (setsid) with their pid in run/NAME.pid and a hash of their
# command line and config files in run/NAME.inputs; `up` restarts one whose inputs changed.
pid_of() {
  local f="$RUN/$1.pid" pid argv0
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  [ -r "/proc/$pid/cmdline" ] || return 1
  argv0="$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 1)"
  [ "${argv0##*/}" = "$1" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$K8S_DIR" || return 1
  echo "$pid"
}
# A binary's identity: its content hash (SHA256SUMS of the build), so that a new build-cache
# folder with the same bytes restarts nothing; else its resolved path.
bin_id() {
  local real; real="$(readlink -f "$1")"
  grep -s " ${real##*/}\$" "${real%/*}/SHA256SUMS" | cut -c1-64 || echo "$real"
}
# start_proc NAME "CONFIG FILES" CMD ARGS… — prints "running (pid N)", "started (pid N)" or
# "restarted (pid N): …" (the rest of what it says goes to stderr, the step's log).
start_proc() {
  local name="$1" files="$2" pid inputs how=started; shift 2
  # shellcheck disable=SC2086
  inputs="$( { bin_id "$1"; cat "$PKI/.inputs"; printf '%s\n' "$@"; [ -z "$files" ] || cat $files; } | sha256sum | cut -c1-16)"
  if pid="$(pid_of "$name")"; then
    if [ "$(cat "$RUN/$name.inputs" 2>/dev/null)" = "$inputs" ]; then echo "running (pid $pid)"; return; fi
    echo "restarting $name: its binary, flags or config changed" >&2
    stop_proc "$name" >&2
    how="restarted"
  fi
  printf '### %s starting: %s\n' "$(date -Is)" "$*" >>"$LOGS/$name.log"
  setsid nohup "$@" >>"$LOGS/$name.log" 2>&1 </dev/null 3>&- 9>&- &
  echo "$!" >"$RUN/$name.pid"
  echo "$inputs" >"$RUN/$name.inputs"
  sleep 0.3
  pid_of "$name" >/dev/null || fail "$name exited at once" "$LOGS/$name.log"
  if [ "$how" = restarted ]; then echo "restarted (pid $!; its binary, flags or config had changed)"; else echo "started (pid $!)"; fi
}
stop_proc() {
  local name="$1" pid i t0; t0=$(date +%s)
  pid="$(pid_of "$name")" || { rm -f "$RUN/$name.pid" "$RUN/$name.inputs"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
  if [ -d "/proc/$pid" ]; then echo "$name (pid $pid) ignored SIGTERM for 20 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
  rm -f "$RUN/$name.pid" "$RUN/$name.inputs"
  echo "stopped $name (pid $pid) in $(( $(date +%s) - t0 )) s"
}
# wait_for SECONDS WHAT LOG CHECK…: runs CHECK every second until it succeeds; else fails the
# step naming WHAT, the last check's output and LOG.
wait_for() {
  local limit="$1" what="$2" log="$3" t0 out; shift 3
  t0=$(date +%s)
  while true; do
    if out="$("$@" 2>&1)"; then return 0; fi
    [ $(( $(date +%s) - t0 )) -lt "$limit" ] || { echo "last check: $out"; fail "$what not within $limit s (last check: $(tail -n 1 <<<"$out" | cut -c1-160))" "$log"; }
    sleep 1
  done
}
port_free() { # port_free PORT NAME: fails when a process other than NAME listens on PORT
  local port="$1" name="$2" owner
  owner="$(ss -ltnpH "sport = :$port" 2>/dev/null | head -n 1)"
  [ -z "$owner" ] || pid_of "$name" >/dev/null || fail "port $port is taken (not by our $name): $owner"
}

# ---------------------------------------------------------------------------------------------
# Host changes and their record.
# The record names each by its path under /proc/sys (an interface name may hold a dot).
all_sysctls() {
  local s; for s in "${SYSCTLS[@]}"; do tr . / <<<"$s"; done
  local i; for i in /proc/sys/net/ipv4/conf/*/route_localnet; do echo "${i#/proc/sys/}"; done
}
iptables_chains() { # "v4 nat KUBE-SERVICES" lines
  local fam tool
  for fam in v4 v6; do
    tool=iptables-save; [ "$fam" = v4 ] || tool=ip6tables-save
    "$tool" 2>/dev/null | awk -v f="$fam" '/^\*/{t=substr($0,2)} /^:/{print f, t, substr($1,2)}'
  done
}
record_host() {
  # Kept from the first `up` until `down` restored it: an `up` after a crash must not record
  # the cluster's own changes as the host's.
  if [ -f "$HOST_RECORD" ]; then echo "host record of $(stat -c %y "$HOST_RECORD") kept"; return; fi
  local n p
  {
    while read -r n; do p="/proc/sys/$n"; [ -r "$p" ] && printf 'sysctl %s %s\n' "$n" "$(tr '\t' ' ' <"$p")"; done < <(all_sysctls)
    for p in "${OUTSIDE[@]}" /sys/fs/cgroup/*/kubepods; do [ -e "$p" ] && printf 'existed %s\n' "$p"; done
    iptables_chains | sed 's/^/chain /'
  } >"$HOST_RECORD.tmp"
  mv "$HOST_RECORD.tmp" "$HOST_RECORD"
  echo "recorded the host's settings in $HOST_RECORD"
}

step_host() {
  mkdir -p "$PKI" "$CONF/cni" "$DATA/volumes" "$DATA/pod-logs" "$DATA/kubelet" "$DATA/cni-ipam" "$RUN" "$K8S_DIR/containerd"
  [ ${#SOCK} -lt 100 ] || fail "the containerd socket path $SOCK is too long for a unix socket (${#SOCK} chars): clone the repo to a shorter path"
  local b; for b in $K8S_BINARIES; do [ -x "$K8S_BIN/$b" ] || fail "$K8S_BIN/$b missing: run without --no-setup (KP_WITH_KUBERNETES=1 npm run setup)"; done
  for b in containerd runc iptables ip6tables ip ctr curl openssl; do command -v "$b" >/dev/null || fail "$b not installed: KP_WITH_KUBERNETES=1 npm run setup installs it"; done
  [ -x /usr/lib/cni/bridge ] || fail "/usr/lib/cni/bridge missing: apt-get install containernetworking-plugins"
  record_host
  # The node address on a bridge of our own (the apiserver refuses loopback addresses).
  if ! ip link show "$NODE_IF" >/dev/null 2>&1; then ip link add "$NODE_IF" type bridge; fi
  ip link set "$NODE_IF" up
  ip -4 addr show dev "$NODE_IF" | grep -qF " $NODE_IP/32 " || ip addr add "$NODE_IP/32" dev "$NODE_IF"
  ip route replace "$SERVICE_CIDR" dev "$NODE_IF" src "$NODE_IP"
  # hostPath volumes: /tmp/hostpath_pv -> data/volumes (see HOSTPATH_LINK).
  if [ -L "$HOSTPATH_LINK" ]; then
    [ "$(readlink "$HOSTPATH_LINK")" = "$DATA/volumes" ] || fail "$HOSTPATH_LINK links to $(readlink "$HOSTPATH_LINK"), not to this project's $DATA/volumes (another clone's cluster running?)"
  elif [ -e "$HOSTPATH_LINK" ]; then
    fail "$HOSTPATH_LINK exists and is not this project's link: another hostPath provisioner's volumes? Move it away"
  else
    ln -s "$DATA/volumes" "$HOSTPATH_LINK"
  fi
  say "node $NODE_NAME: $NODE_IP on $NODE_IF; services $SERVICE_CIDR, pods $POD_SUBNET on $CNI_BRIDGE; volumes in $HOSTPATH_LINK -> ${DATA#"$KP_ROOT/"}/volumes"
}

# ---------------------------------------------------------------------------------------------
# Certificates (openssl, ECDSA P-256, 10 years) and kubeconfigs. Regenerated when the names or
# addresses they carry change.
pki_inputs() { echo "v1 $NODE_NAME $NODE_IP $API_SERVICE_IP $CONTEXT"; }
cert() { # cert NAME CN O EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
  local name="$1" cn="$2" org="$3" eku="$4" sans="${5:-}"
  {
    printf '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = %s\n' "$cn"
    [ -z "$org" ] || printf 'O = %s\n' "$org"
    printf '[ext]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = %s\n' "$eku"
    [ -z "$sans" ] || printf 'subjectAltName = %s\n' "$sans"
  } >"$PKI/$name.cnf"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -config "$PKI/$name.cnf" -out "$PKI/$name.csr"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 3650 -extfile "$PKI/$name.cnf" -extensions ext -out "$PKI/$name.crt"
  rm -f "$PKI/$name.csr" "$PKI/$name.cnf"
}
kubeconfig() { # kubeconfig FILE USER CERT_NAME
  b64() { base64 -w0 <"$1"; }
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: $CONTEXT
    cluster:
      server: https://$NODE_IP:6443
      certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
  - name: $2
    user:
      client-certificate-data: $(b64 "$PKI/$3.crt")
      client-key-data: $(b64 "$PKI/$3.key")
contexts:
  - name: $CONTEXT
    context: { cluster: $CONTEXT, user: $2 }
current-context: $CONTEXT
EOF
  chmod 600 "$1"
}
step_pki() {
  # A change of the names or addresses the certificates carry: all anew (a new CA; every process
  # restarts, as PKI/.inputs is part of each one's inputs). Otherwise only what is missing.
  if [ "$(cat "$PKI/.inputs" 2>/dev/null)" != "$(pki_inputs)" ] || [ ! -f "$PKI/ca.key" ]; then
    rm -rf "$PKI" && mkdir -p "$PKI" && chmod 700 "$PKI"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/ca.key"
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=kafka-platform-local-ca" -days 3650 -out "$PKI/ca.crt"
    # Service-account tokens: RSA, as kubeadm makes them.
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key"
    openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
    pki_inputs >"$PKI/.inputs"
  fi
  local made=() line name cn org eku sans
  # name | CN | O | extended key usage | subject alternative names
  while IFS='|' read -r name cn org eku sans; do
    [ -f "$PKI/$name.crt" ] && continue
    cert "$name" "$cn" "$org" "$eku" "$sans"; made+=("$name")
  done <<CERTS
apiserver|kube-apiserver||serverAuth|DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:localhost, IP:$API_SERVICE_IP, IP:$NODE_IP, IP:127.0.0.1
apiserver-kubelet-client|kube-apiserver-kubelet-client|system:masters|clientAuth|
apiserver-etcd-client|kube-apiserver-etcd-client||clientAuth|
etcd-server|etcd||serverAuth, clientAuth|DNS:localhost, IP:127.0.0.1
admin|kubernetes-admin|system:masters|clientAuth|
kubelet|system:node:$NODE_NAME|system:nodes|clientAuth|
kubelet-serving|$NODE_NAME||serverAuth|DNS:$NODE_NAME, IP:$NODE_IP
controller-manager|system:kube-controller-manager||clientAuth|
scheduler|system:kube-scheduler||clientAuth|
kube-proxy|system:kube-proxy||clientAuth|
kp-volumes|kafka-platform:kp-volumes||clientAuth|
CERTS
  chmod 600 "$PKI"/*.key
  # file | user | certificate
  while IFS='|' read -r line name cn; do
    [ -f "$line" ] || kubeconfig "$line" "$name" "$cn"
  done <<KUBECONFIGS
$PKI/kubelet.kubeconfig|system:node:$NODE_NAME|kubelet
$PKI/controller-manager.kubeconfig|system:kube-controller-manager|controller-manager
$PKI/scheduler.kubeconfig|system:kube-scheduler|scheduler
$PKI/kube-proxy.kubeconfig|system:kube-proxy|kube-proxy
$PKI/kp-volumes.kubeconfig|kafka-platform:kp-volumes|kp-volumes
$ADMIN_KUBECONFIG|kafka-platform-admin|admin
KUBECONFIGS
  if [ "${#made[@]}" = 0 ]; then say "certificates and kubeconfigs up to date (${PKI#"$KP_ROOT/"})"
  else say "made ${#made[@]} certificates and their kubeconfigs (${PKI#"$KP_ROOT/"}): ${made[*]}"; fi
}

# ---------------------------------------------------------------------------------------------
step_containerd() {
  render containerd.toml "$CONF/containerd.toml"
  render cni.conflist "$CONF/cni/10-kafka-platform.conflist"
  mkdir -p "$K8S_DIR/containerd/root" "$K8S_DIR/containerd/state"
  local r; r="$(start_proc containerd "$CONF/containerd.toml $CONF/cni/10-kafka-platform.conflist" \
    /usr/bin/containerd --config "$CONF/containerd.toml")"
  echo "$r"
  wait_for 30 "containerd's socket" "$LOGS/containerd.log" ctr -a "$SOCK" version
  say "containerd $(ctr -a "$SOCK" version | awk '/Server/{s=1} s&&/Version/{print $2; exit}') $(tail -n 1 <<<"$r") on ${SOCK#"$KP_ROOT/"}"
}

# The images pods run: pulled from nowhere, so imported from Docker (`docker save | ctr import`).
# An image is imported again only when its Docker image id changed since its last import.
step_images() {
  local images=("$K8S_PAUSE_IMAGE" "$K8S_COREDNS_IMAGE" "$KP_KAFKA_IMAGE" "$KP_LAG_EXPORTER_IMAGE" "$KP_PROMETHEUS_IMAGE")
  local have todo=() same=() img id
  have="$(ctr_ images ls -q)"
  touch "$IMAGES_RECORD"
  for img in "${images[@]}"; do
    id="$(docker image inspect -f '{{.Id}}' "$img" 2>/dev/null)" || fail "image $img is not in Docker: run without --no-setup (npm run setup builds it)"
    if grep -qxF "$img $id" "$IMAGES_RECORD" && grep -qxF "$(docker_ref "$img")" <<<"$have"; then same+=("$img"); else todo+=("$img"); fi
  done
  if [ "${#todo[@]}" != 0 ]; then
    echo "importing ${todo[*]}"
    docker save "${todo[@]}" | ctr_ images import -
    for img in "${todo[@]}"; do
      id="$(docker image inspect -f '{{.Id}}' "$img")"
      grep -vF "$img " "$IMAGES_RECORD" >"$IMAGES_RECORD.tmp" || true
      echo "$img $id" >>"$IMAGES_RECORD.tmp" && mv "$IMAGES_RECORD.tmp" "$IMAGES_RECORD"
    done
  fi
  local line=""
  [ "${#todo[@]}" = 0 ] || line="imported ${todo[*]}"
  [ "${#same[@]}" = 0 ] || line="${line:+$line; }${#same[@]} unchanged"
  say "$line"
}

step_etcd() {
  port_free 2379 etcd; port_free 2380 etcd
  local r; r="$(start_proc etcd "" "$K8S_BIN/etcd" --name kafka-platform --data-dir "$DATA/etcd" \
    --listen-client-urls https://127.0.0.1:2379 --advertise-client-urls https://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster kafka-platform=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
    --cert-file "$PKI/etcd-server.crt" --key-file "$PKI/etcd-server.key" --client-cert-auth \
    --trusted-ca-file "$PKI/ca.crt" --quota-backend-bytes 2147483648 --log-level warn)"
  echo "$r"
  wait_for 60 "etcd healthy" "$LOGS/etcd.log" curl -sf http://127.0.0.1:2381/health
  say "etcd $r, healthy (data: ${DATA#"$KP_ROOT/"}/etcd)"
}

step_apiserver() {
  port_free 6443 kube-apiserver
  local r; r="$(start_proc kube-apiserver "" "$K8S_BIN/kube-apiserver" \
    --advertise-address "$NODE_IP" --bind-address "$NODE_IP" --secure-port 6443 \
    --etcd-servers https://127.0.0.1:2379 --etcd-cafile "$PKI/ca.crt" \
    --etcd-certfile "$PKI/apiserver-etcd-client.crt" --etcd-keyfile "$PKI/apiserver-etcd-client.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --service-node-port-range "$NODEPORT_RANGE" \
    --client-ca-file "$PKI/ca.crt" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
    --cert-dir "$PKI/apiserver-generated" --profiling=false --v=1)"
  echo "$r"
  wait_for 120 "kube-apiserver /readyz" "$LOGS/kube-apiserver.log" kubectl_ get --raw /readyz
  say "kube-apiserver $r, ready on https://$NODE_IP:6443"
}

step_controllers() {
  port_free 10257 kube-controller-manager; port_free 10259 kube-scheduler
  local cm sch
  cm="$(start_proc kube-controller-manager "" "$K8S_BIN/kube-controller-manager" \
    --kubeconfig "$PKI/controller-manager.kubeconfig" --authentication-kubeconfig "$PKI/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$PKI/controller-manager.kubeconfig" --bind-address 127.0.0.1 --secure-port 10257 \
    --leader-elect=false --use-service-account-credentials \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" --root-ca-file "$PKI/ca.crt" \
    --service-account-private-key-file "$PKI/sa.key" --allocate-node-cidrs --cluster-cidr "$CLUSTER_CIDR" \
    --node-cidr-mask-size 24 --service-cluster-ip-range "$SERVICE_CIDR" --enable-hostpath-provisioner \
    --flex-volume-plugin-dir "$DATA/kubelet-plugins/volume/exec" --v=1)"
  echo "$cm"
  sch="$(start_proc kube-scheduler "" "$K8S_BIN/kube-scheduler" \
    --kubeconfig "$PKI/scheduler.kubeconfig" --authentication-kubeconfig "$PKI/scheduler.kubeconfig" \
    --authorization-kubeconfig "$PKI/scheduler.kubeconfig" --bind-address 127.0.0.1 --secure-port 10259 \
    --leader-elect=false --v=1)"
  echo "$sch"
  wait_for 60 "kube-controller-manager /healthz" "$LOGS/kube-controller-manager.log" curl -skf https://127.0.0.1:10257/healthz
  wait_for 60 "kube-scheduler /healthz" "$LOGS/kube-scheduler.log" curl -skf https://127.0.0.1:10259/healthz
  say "kube-controller-manager $cm, kube-scheduler $sch, both healthy"
}

step_node() {
  port_free 10250 kubelet
  render kubelet.yaml "$CONF/kubelet.yaml"
  render kube-proxy.yaml "$CONF/kube-proxy.yaml"
  local kl kp
  kl="$(start_proc kubelet "$CONF/kubelet.yaml" "$K8S_BIN/kubelet" --config "$CONF/kubelet.yaml" \
    --kubeconfig "$PKI/kubelet.kubeconfig" --root-dir "$DATA/kubelet" --node-ip "$NODE_IP" \
    --hostname-override "$NODE_NAME" --cert-dir "$PKI/kubelet-generated" --v=1)"
  echo "$kl"
  kp="$(start_proc kube-proxy "$CONF/kube-proxy.yaml" "$K8S_BIN/kube-proxy" --config "$CONF/kube-proxy.yaml" --v=1)"
  echo "$kp"
  node_ready() { [ "$(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
  wait_for 120 "node $NODE_NAME Ready" "$LOGS/kubelet.log" node_ready
  wait_for 60 "kube-proxy /healthz" "$LOGS/kube-proxy.log" curl -sf http://127.0.0.1:10256/healthz
  say "kubelet $kl, kube-proxy $kp; node $NODE_NAME Ready"
}

step_addons() {
  render addons.yaml "$CONF/addons.yaml"
  # A StorageClass's provisioner cannot be changed: a `local` class of an older version of this
  # script (kubernetes.io/host-path) is replaced; its volumes stay as they are.
  local prov; prov="$(kubectl_ get storageclass local -o jsonpath='{.provisioner}' 2>/dev/null || true)"
  if [ -n "$prov" ] && [ "$prov" != kafka-platform.io/local-volume ]; then
    echo "replacing StorageClass local (provisioner $prov)"; kubectl_ delete storageclass local
  fi
  kubectl_ apply -f "$CONF/addons.yaml"
  local kv; kv="$(start_proc kp-volumes "" "$K8S_BIN/kp-volumes" --kubeconfig "$PKI/kp-volumes.kubeconfig" \
    --dir "$DATA/volumes" --node "$NODE_NAME")"
  echo "kp-volumes $kv"
  coredns_ready() {
    local r; r="$(kubectl_ -n kube-system get deploy coredns -o jsonpath='{.status.readyReplicas}/{.status.updatedReplicas}/{.spec.replicas}')"
    echo "ready/updated/wanted: $r"; [ "$r" = 1/1/1 ]
  }
  wait_for 120 "CoreDNS ready" "$LOGS/kubelet.log" coredns_ready
  say "StorageClass local (default; kp-volumes $kv), CoreDNS $K8S_COREDNS_VERSION ready at $DNS_IP"
}

cmd_up() {
  need_root
  mkdir -p "$LOGS"
  : >"$LOGS/up.log"
  if [ -n "$opt_setup" ]; then
    local t0; t0=$(ms)
    echo "k8s up     setup: KP_WITH_KUBERNETES=1 npm run setup (a cold build takes ~10 min)"
    set +e
    KP_WITH_KUBERNETES=1 bash scripts/setup.sh 2>&1 9>&- | tee "$LOGS/setup.log" | sed 's/^/  /'
    local rc="${PIPESTATUS[0]}"
    set -e
    [ "$rc" = 0 ] || { echo "k8s up: step setup FAILED after $(secs "$t0") s (its log: $LOGS/setup.log)" >&2; exit 1; }
  fi
  run_step host step_host
  run_step pki step_pki
  run_step containerd step_containerd
  run_step images step_images
  run_step etcd step_etcd
  run_step apiserver step_apiserver
  run_step controllers step_controllers
  run_step node step_node
  run_step addons step_addons
  echo "k8s: up in $(secs "$T_ALL") s — kubeconfig ${ADMIN_KUBECONFIG#"$KP_ROOT/"} (context $CONTEXT), node $NODE_NAME $NODE_IP, StorageClass local (default), NodePorts $NODEPORT_RANGE on 127.0.0.1"
}

cmd_images() {
  need_root
  mkdir -p "$LOGS"
  pid_of containerd >/dev/null || { echo "k8s images: the cluster's containerd is not running (npm run k8s -- up)" >&2; exit 3; }
  run_step images step_images
}

# ---------------------------------------------------------------------------------------------
# down: the reverse of up, and a sweep for whatever a crash may have left.
step_stop_kubelet() {
  stop_proc kubelet
  # With the kubelet gone nothing restarts pods: remove them the way the kubelet would (CRI),
  # so containerd runs CNI DEL for each (veth, address, iptables rules) and unmounts them.
  local r="containerd not running"
  if pid_of containerd >/dev/null; then r="$("$K8S_BIN/kp-cri" clean "unix://$SOCK")" || fail "removing pods: $r"; fi
  say "kubelet stopped; $r"
}
step_stop_rest() {
  local p stopped=()
  for p in kp-volumes kube-proxy kube-scheduler kube-controller-manager kube-apiserver etcd containerd; do pid_of "$p" >/dev/null && stopped+=("$p"); done
  # The clients of the apiserver first, all at once; then the apiserver; then its store and the
  # runtime (no pod left to run).
  for p in kp-volumes kube-proxy kube-scheduler kube-controller-manager; do stop_proc "$p" & done; wait
  stop_proc kube-apiserver
  for p in etcd containerd; do stop_proc "$p" & done; wait
  # Shims (and so containers) whose containerd died: the cgroups of the pods still list them.
  local shim
  for shim in $(pgrep -f "containerd-shim-runc-v2 .*-address $SOCK" || true); do echo "killing orphan shim $shim"; kill -KILL "$shim" || true; done
  local procs; procs="$(find /sys/fs/cgroup/*/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u || true)"
  # shellcheck disable=SC2086 # one pid per word
  [ -z "$procs" ] || { echo "killing leftover pod processes: $procs"; kill -KILL $procs 2>/dev/null || true; sleep 0.5; }
  say "${stopped[*]:-nothing} stopped"
}
sweep_iptables() {
  # kube-proxy --cleanup removes its own rules; what the kubelet (canaries) and the CNI plugins
  # (portmap, firewall) leave is removed here: every KUBE-*/CNI-* chain that was not there
  # before `up`, with the rules that jump to it.
  local fam tool table chain line n=0
  for fam in v4 v6; do
    tool=iptables; [ "$fam" = v4 ] || tool=ip6tables
    for table in filter nat mangle raw security; do
      local ours=()
      while read -r chain; do
        grep -qxF "chain $fam $table $chain" "$HOST_RECORD" 2>/dev/null && continue
        ours+=("$chain")
      done < <("$tool-save" -t "$table" 2>/dev/null | awk '/^:(KUBE-|CNI-)/{print substr($1,2)}')
      [ "${#ours[@]}" != 0 ] || continue
      local re; re="$(printf '%s|' "${ours[@]}")"; re="-j (${re%|})( |$)"
      # Rules in other chains that jump to ours: deleted one by one (Docker's stay untouched).
      while read -r line; do
        local src="${line#-A }"; src="${src%% *}"
        printf '%s\n' "${ours[@]}" | grep -qxF "$src" && continue
        eval "$tool -t $table -D ${line#-A }" && n=$((n + 1))
      done < <("$tool" -t "$table" -S 2>/dev/null | grep -E "^-A .*$re" || true)
      for chain in "${ours[@]}"; do "$tool" -t "$table" -F "$chain"; done
      for chain in "${ours[@]}"; do "$tool" -t "$table" -X "$chain" && n=$((n + 1)); done
    done
  done
  echo "iptables: $n chains and jumps removed"
}
restore_sysctls() {
  local kind name value p cur n=0
  while read -r kind name value; do
    [ "$kind" = sysctl ] || continue
    p="/proc/sys/$name"; [ -w "$p" ] || continue
    cur="$(tr '\t' ' ' <"$p")"
    [ "$cur" = "$value" ] && continue
    echo "sysctl $name: $cur -> $value"
    echo "$value" >"$p" && n=$((n + 1))
  done <"$HOST_RECORD"
  echo "$n sysctls restored"
}
existed() { grep -qxF "existed $1" "$HOST_RECORD" 2>/dev/null; }
step_host_undo() {
  local done_=()
  if [ -x "$K8S_BIN/kube-proxy" ]; then "$K8S_BIN/kube-proxy" --cleanup --v=1 >>"$LOGS/kube-proxy.log" 2>&1 || true; fi
  sweep_iptables
  ip link del "$CNI_BRIDGE" 2>/dev/null && done_+=("$CNI_BRIDGE")
  # veths of pods whose network namespace outlived their sandbox (none after CRI removal).
  local v; for v in $(ip -o link show master "$CNI_BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do ip link del "$v" || true; done
  ip link del "$NODE_IF" 2>/dev/null && done_+=("$NODE_IF $NODE_IP")
  # Mounts: the kubelet's root bind mount and pods' volumes, containerd's rootfs, shm and netns
  # mounts; deepest first.
  local m n=0
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" || true; n=$((n + 1))
  done < <(awk -v a="$K8S_DIR" -v b="$(readlink -f "$K8S_DIR")" \
    '{ m = $2; gsub(/\\040/, " ", m) } m == a || m == b || index(m, a "/") == 1 || index(m, b "/") == 1 { print length(m), m }' /proc/mounts |
    sort -rn | cut -d' ' -f2-)
  [ "$n" = 0 ] || done_+=("$n mounts")
  # The pods' cgroups (cgroupfs driver), deepest first, unless they were there before.
  local c
  for c in /sys/fs/cgroup/*/kubepods; do
    if [ -d "$c" ] && ! existed "$c"; then find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  [ -L "$HOSTPATH_LINK" ] && [ "$(readlink "$HOSTPATH_LINK")" = "$DATA/volumes" ] && rm -f "$HOSTPATH_LINK" && done_+=("$HOSTPATH_LINK")
  # The kubelet's links to container logs (it removes them only for pods it removes itself).
  if [ -d /var/log/containers ]; then
    find /var/log/containers -maxdepth 1 -type l -lname "$DATA/pod-logs/*" -delete
  fi
  # Folders outside the project that `up` created (OUTSIDE): removed when they hold nothing else.
  for c in /var/lib/cni /var/lib/kubelet /var/log/containers /run/netns; do
    if [ ! -e "$c" ] || existed "$c"; then continue; fi
    local other; other="$(find "$c" ! -type d ! -path '/var/lib/cni/results/*' ! -path '/var/lib/kubelet/device-plugins/*' | head -n 3)"
    if [ -n "$other" ]; then echo "warning: $c kept: it holds $other"; continue; fi
    rm -rf "$c"; done_+=("$c")
  done
  if [ -f "$HOST_RECORD" ]; then restore_sysctls; rm -f "$HOST_RECORD"; fi
  say "removed ${done_[*]:-nothing else}; iptables chains swept; sysctls restored"
}
step_data() {
  rm -rf "$K8S_DIR/containerd/state" "$DATA/kubelet" "$DATA/cni-ipam" "$DATA/pod-logs" "$RUN"
  if [ -n "$opt_keep" ]; then say "kept the cluster's state (${DATA#"$KP_ROOT/"}/etcd, volumes)"; return; fi
  rm -rf "$DATA"
  say "deleted the cluster's state (etcd, volumes); kept certificates, binaries, the image store"
}
cmd_down() {
  need_root
  mkdir -p "$LOGS" "$RUN"
  : >"$LOGS/down.log"
  run_step kubelet step_stop_kubelet
  run_step processes step_stop_rest
  run_step host step_host_undo
  run_step data step_data
  echo "k8s: down in $(secs "$T_ALL") s"
}

cmd_status() {
  local p pid running=0 down_=0
  for p in "${PROCS[@]}"; do
    if pid="$(pid_of "$p")"; then printf '%-24s running  pid %s\n' "$p" "$pid"; running=$((running + 1))
    else printf '%-24s stopped\n' "$p"; down_=$((down_ + 1)); fi
  done
  local ready=""
  if pid_of kube-apiserver >/dev/null; then
    ready="$(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)"
  fi
  case "$ready" in
    True) echo "node $NODE_NAME ($NODE_IP) Ready" ;;
    "") echo "node $NODE_NAME: unknown (apiserver not answering)" ;;
    *) echo "node $NODE_NAME ($NODE_IP) not Ready" ;;
  esac
  echo "kubeconfig $ADMIN_KUBECONFIG (context $CONTEXT)"
  if [ "$running" = 0 ]; then exit 3; fi
  [ "$down_" = 0 ] && [ "$ready" = True ] || exit 1
}

# One up/down/images at a time (npm run up --stack on Kubernetes runs `k8s up` too): a second
# waits for the first, then finds its work done. Daemons and setup do not inherit the lock (9>&-).
if [ "$cmd" != status ]; then
  mkdir -p "$K8S_DIR"
  exec 9>"$K8S_DIR/.lock"
  if ! flock -n 9; then
    echo "k8s $cmd: another npm run k8s (up, down or images) is running; waiting for it (at most 30 min)"
    flock -w 1800 9 || { echo "error: the other npm run k8s did not finish within 30 min" >&2; exit 1; }
  fi
fi
"cmd_$cmd"
