# Settings of the local Kubernetes (`npm run k8s`), shared by scripts/k8s.sh and the
# `kubernetes` step of scripts/setup.sh; sourced after scripts/env.sh, never run.
K8S_VERSION="v1.35.4"                   # = toolchain/kubernetes/go.mod (k8s.io/kubernetes)
K8S_COREDNS_VERSION="1.14.7"            # = toolchain/coredns/go.mod
K8S_PAUSE_IMAGE="kafka-platform/pause:3.10"
K8S_COREDNS_IMAGE="kafka-platform/coredns:$K8S_COREDNS_VERSION"
K8S_DIR="$KP_TOOLS/k8s"                 # everything of the cluster: bin, pki, conf, data, logs, run
K8S_BIN="$K8S_DIR/bin"                  # symlinks into the build cache ($KP_CACHE/kubernetes)
K8S_BINARIES="kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd coredns pause kp-cri kp-volumes"
