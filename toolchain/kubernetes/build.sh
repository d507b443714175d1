#!/usr/bin/env bash
# Builds the local Kubernetes of `npm run k8s` into the folder $OUT, from Go modules and Debian
# only: kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl
# (k8s.io/kubernetes v1.35.4, this module), etcd (go.etcd.io/etcd/server/v3, this module),
# coredns (toolchain/coredns), pause (build/pause/linux/pause.c of the k8s.io/kubernetes
# module zip, gcc -static: the sandbox image's only file), and two small tools of ours: kp-cri
# (cmd/kp-cri, the CRI calls with which `npm run k8s -- down` removes every pod) and kp-volumes
# (cmd/kp-volumes, the provisioner of the default StorageClass). Static binaries (CGO_ENABLED=0), so
# coredns and pause can go into FROM-scratch images. Idempotent; uses the default
# GOMODCACHE/GOCACHE, so a second run only relinks.
# Env: OUT (required), KP_K8S_BINARIES (default: all; e.g. "kubectl etcd").
set -euo pipefail
: "${OUT:?set OUT to the output folder}"
K8S_VERSION=v1.35.4
PAUSE_VERSION=3.10
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
export CGO_ENABLED=0
# -buildvcs=false: go would otherwise run git on the enclosing repo to stamp the binaries.
FLAGS=(-trimpath -buildvcs=false)
# What hack/lib/version.sh stamps: kubectl and the components report it (`kubectl version`,
# /version), and the apiserver derives its binary and emulation version from it.
stamp="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  stamp+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=35"
done

declare -A main=(
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
  [kubelet]=k8s.io/kubernetes/cmd/kubelet
  [kube-proxy]=k8s.io/kubernetes/cmd/kube-proxy
  [kubectl]=k8s.io/kubernetes/cmd/kubectl
  [etcd]=go.etcd.io/etcd/server/v3
  [kp-cri]=./cmd/kp-cri
  [kp-volumes]=./cmd/kp-volumes
)
wanted="${KP_K8S_BINARIES:-kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd coredns pause kp-cri kp-volumes}"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
for bin in $wanted; do
  t0=$(ms)
  case "$bin" in
    coredns)
      (cd "$here/../coredns" && go build "${FLAGS[@]}" -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=v1.14.7" \
        -o "$OUT/coredns" github.com/coredns/coredns) ;;
    pause)
      # The pause source ships in the k8s.io/kubernetes module zip (build/pause/linux).
      (cd "$here" && go mod download k8s.io/kubernetes)
      src="$(cd "$here" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
      # As its Makefile does: -Os -static, VERSION stamped (`pause -v` prints it).
      gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION-kafka-platform" -o "$OUT/pause" "$src"
      strip "$OUT/pause" ;;
    *)
      [ -n "${main[$bin]:-}" ] || { echo "build.sh: unknown binary $bin" >&2; exit 2; }
      (cd "$here" && go build "${FLAGS[@]}" -ldflags "$stamp" -o "$OUT/$bin" "${main[$bin]}") ;;
  esac
  printf 'built %-24s %5d s\n' "$bin" $(( ($(ms) - t0) / 1000 ))
done
# Content hashes: scripts/k8s.sh restarts a running process only when its binary's content
# changed, not whenever a new build-cache folder holds the same bytes.
(cd "$OUT" && sha256sum -- * 2>/dev/null | grep -v ' SHA256SUMS$' >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
