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
KP_KAFKA_IMAGE="${KP_KAFKA_IMAGE:-kafka-platform/kafka:$KP_KAFKA_VERSION}"
# A registry base with a JRE 17; without a registry, setup builds KP_LOCAL_BASE_IMAGE itself.
KP_BASE_IMAGE_SET="${KP_BASE_IMAGE:+1}"   # set by the user: then it must be used, or fail
KP_BASE_IMAGE="${KP_BASE_IMAGE:-eclipse-temurin:17-jre}"
KP_LOCAL_BASE_IMAGE="${KP_LOCAL_BASE_IMAGE:-kafka-platform/base-jre:17-bookworm}"

export PATH="$KP_TOOLS/bin:$KP_ROOT/node_modules/.bin:$PATH"
# Plugins live with the project, not in ~/.pulumi: the versions are the project's pins.
export PULUMI_HOME="${PULUMI_HOME:-$KP_TOOLS/pulumi-home}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
# ts-node without type checking (2-3 s per run on 2 cores); `npm test` type-checks instead.
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-true}"
# Docker builds: the legacy builder works with Debian's 20.10 engine and no buildx plugin.
export DOCKER_BUILDKIT=0

kp_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
kp_die() { printf 'error: %s\n' "$*" >&2; exit 1; }
