# Shared settings of the project's shell entry points; sourced, never run.
# Everything installed goes to ignored folders of the repo (.tools, .pulumi-state) or to a
# per-user build cache outside it, so a fresh clone (CI) reuses what this machine built.

KP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KP_TOOLS="$KP_ROOT/.tools"
# Built binaries keyed by their inputs; survives `git clean` and new clones.
KP_CACHE="${KP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-platform}"

# Pinned versions. The SDK versions live in package.json; these are the rest.
KP_PULUMI_VERSION="3.248.0"          # = @pulumi/pulumi; the newest that accepts Node 20
KP_KAFKA_VERSION="3.9.2"             # = toolchain/kafka/pom.xml; last line with ZooKeeper mode
KP_PROMETHEUS_VERSION="2.42.0"       # Debian 12's prometheus package (images/prometheus)
KP_LAG_EXPORTER_VERSION="0.1.0"      # = package.json
KP_KAFKA_IMAGE="${KP_KAFKA_IMAGE:-kafka-platform/kafka:$KP_KAFKA_VERSION}"
KP_LAG_EXPORTER_IMAGE="${KP_LAG_EXPORTER_IMAGE:-kafka-platform/lag-exporter:$KP_LAG_EXPORTER_VERSION}"
KP_PROMETHEUS_IMAGE="${KP_PROMETHEUS_IMAGE:-kafka-platform/prometheus:$KP_PROMETHEUS_VERSION}"
# Base images: a registry one (JRE 17, Node, plain Debian); without a registry, setup builds the
# KP_LOCAL_* one itself from Debian packages. A base set by the user must be used, or setup fails.
KP_BASE_IMAGE_SET="${KP_BASE_IMAGE:+1}"
KP_BASE_IMAGE="${KP_BASE_IMAGE:-eclipse-temurin:17-jre}"
KP_LOCAL_BASE_IMAGE="${KP_LOCAL_BASE_IMAGE:-kafka-platform/base-jre:17-bookworm}"
KP_NODE_BASE_IMAGE_SET="${KP_NODE_BASE_IMAGE:+1}"
KP_NODE_BASE_IMAGE="${KP_NODE_BASE_IMAGE:-node:20-slim}"
KP_LOCAL_NODE_BASE_IMAGE="${KP_LOCAL_NODE_BASE_IMAGE:-kafka-platform/base-node:bookworm}"
KP_PROMETHEUS_BASE_IMAGE_SET="${KP_PROMETHEUS_BASE_IMAGE:+1}"
KP_PROMETHEUS_BASE_IMAGE="${KP_PROMETHEUS_BASE_IMAGE:-debian:bookworm-slim}"
KP_LOCAL_PROMETHEUS_BASE_IMAGE="${KP_LOCAL_PROMETHEUS_BASE_IMAGE:-kafka-platform/base-prometheus:bookworm}"

# Sourced by scripts that call each other: prepend once.
case ":$PATH:" in *":$KP_TOOLS/bin:"*) ;; *) export PATH="$KP_TOOLS/bin:$KP_ROOT/node_modules/.bin:$PATH" ;; esac
# kubectl for the kubernetes target's rollout waits: the local cluster's, after any of the user's own.
case ":$PATH:" in *":$KP_TOOLS/k8s/bin:"*) ;; *) export PATH="$PATH:$KP_TOOLS/k8s/bin" ;; esac
# Plugins live with the project, not in ~/.pulumi: the versions are the project's pins.
export PULUMI_HOME="${PULUMI_HOME:-$KP_TOOLS/pulumi-home}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
# ts-node without type checking (2-3 s per run on 2 cores); `npm test` type-checks instead.
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-true}"
# Docker builds: the legacy builder works with Debian's 20.10 engine and no buildx plugin.
export DOCKER_BUILDKIT=0

kp_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The stack argument of up/down, wherever it stands: `--stack S`, `--stack=S` or a bare `S`
# (default $KP_STACK, else dev). Anything else is refused (exit 2) before anything runs, and so
# is a stack that has no Pulumi.<stack>.yaml: a typo must not deploy (or destroy) another stack.
kp_stack_arg() {
  local usage="$1"; shift
  local s=""
  set_s() { [ -z "$s" ] || [ "$s" = "$1" ] || { printf "error: two stacks named: '%s' and '%s'\nusage: %s\n" "$s" "$1" "$usage" >&2; exit 2; }; s="$1"; }
  while [ $# -gt 0 ]; do
    case "$1" in
      --stack) [ -n "${2:-}" ] || { printf 'error: --stack needs a name\nusage: %s\n' "$usage" >&2; exit 2; }; set_s "$2"; shift 2 ;;
      --stack=*) set_s "${1#--stack=}"; shift ;;
      -h|--help) printf 'usage: %s\n' "$usage"; exit 0 ;;
      -*) printf "error: unknown option '%s'\nusage: %s\n" "$1" "$usage" >&2; exit 2 ;;
      *) set_s "$1"; shift ;;
    esac
  done
  s="${s:-${KP_STACK:-dev}}"
  if [ ! -f "$KP_ROOT/Pulumi.$s.yaml" ]; then
    local known; known="$(cd "$KP_ROOT" && ls Pulumi.*.yaml 2>/dev/null | sed 's/^Pulumi\.//; s/\.yaml$//' | paste -sd, - | sed 's/,/, /g')"
    printf "error: no stack '%s' in this project (no Pulumi.%s.yaml; stacks: %s)\n" "$s" "$s" "$known" >&2
    exit 2
  fi
  KP_STACK_NAME="$s"
}
