#!/usr/bin/env bash
# `npm run setup`: everything the project needs, from package registries only, idempotent.
# Each step checks a stamp of its inputs first, so a warm re-run takes seconds.
#   1 npm ci                  node_modules (skipped when package-lock.json is unchanged)
#   2 pulumi CLI              built from Go modules (toolchain/pulumi) unless a pulumi of the
#                             pinned version is already on PATH
#   3 provider plugins        built from Go modules (toolchain/providers/*), installed with
#                             `pulumi plugin install --file` at the npm SDKs' plugin versions
#   4 kafka jars              Kafka, ZooKeeper, MirrorMaker 2, tools from Maven Central
#   5 docker engine           Debian's docker.io + dockerd when `docker info` fails
#   6 images                  a JRE base (registry, or Debian minbase imported) + images/kafka
# Env: KP_BASE_IMAGE (registry base, default eclipse-temurin:17-jre), KP_KAFKA_IMAGE,
#      KP_CACHE (build cache, default ~/.cache/kafka-platform), KP_SETUP_STEPS (e.g. "1 2").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KP_ROOT"
mkdir -p "$KP_TOOLS/bin" "$KP_CACHE"

sha() { cat "$@" | sha256sum | cut -c1-16; }
# Hash of a folder's tracked files (names and working-tree contents): stable across clones,
# blind to what builds generate there.
sha_tree() { (cd "$KP_ROOT" && git ls-files -z -- "$1" | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }
# Build cache entries are keyed by their inputs, so every toolchain change adds one (~110 MB
# for the CLI). Keep the 3 most recently used of a kind (entries are touched when used): enough
# for clones of nearby commits to share, without growing forever.
prune_cache() {
  local dir="$1" prefix="$2"
  ls -1dt "$dir/$prefix"* 2>/dev/null | grep -v '\.tmp$' | tail -n +4 | while read -r old; do
    kp_log "cache: removing $old (not among the 3 most recently used)"; rm -rf "$old"; done
}
# apt-get install, updating the package lists once per run when a package is unknown.
apt_install() {
  [ "$(id -u)" = 0 ] || kp_die "need root to apt-get install $*; install them and re-run"
  if [ -z "${KP_APT_UPDATED:-}" ]; then apt-get update -qq >&2; KP_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

step_npm() {
  local stamp; stamp="$(sha package-lock.json package.json)-$(node --version)"
  if [ -f node_modules/.kp-stamp ] && [ "$(cat node_modules/.kp-stamp)" = "$stamp" ]; then
    kp_log "npm: node_modules up to date"; return; fi
  npm ci --no-audit --no-fund >&2
  echo "$stamp" > node_modules/.kp-stamp
}

step_pulumi() {
  local found; found="$(PATH="${PATH#"$KP_TOOLS/bin:"}" command -v pulumi || true)"
  if [ -n "$found" ] && "$found" version 2>/dev/null | grep -qx "v$KP_PULUMI_VERSION"; then
    kp_log "pulumi: using $found (v$KP_PULUMI_VERSION)"; rm -f "$KP_TOOLS/bin/pulumi"; return; fi
  command -v go >/dev/null || kp_die "Go (>= 1.25) is needed to build the Pulumi CLI"
  local key dir
  key="$(sha_tree toolchain/pulumi)-$(go env GOVERSION)"
  dir="$KP_CACHE/pulumi/v$KP_PULUMI_VERSION-$key"
  if [ ! -x "$dir/pulumi" ] || [ ! -x "$dir/pulumi-language-nodejs" ]; then
    kp_log "pulumi: building v$KP_PULUMI_VERSION from Go modules (minutes on a cold cache)"
    local ld="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$KP_PULUMI_VERSION"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    (cd toolchain/pulumi &&
      go build -trimpath -ldflags "$ld" -o "$dir.tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi &&
      go build -trimpath -ldflags "$ld" -o "$dir.tmp/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs)
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  touch "$dir" && prune_cache "$KP_CACHE/pulumi" "v"
  # The CLI finds its language host and the dynamic-provider shim next to itself or on PATH.
  ln -sfn "$dir/pulumi" "$KP_TOOLS/bin/pulumi"
  ln -sfn "$dir/pulumi-language-nodejs" "$KP_TOOLS/bin/pulumi-language-nodejs"
  ln -sfn "$KP_ROOT/toolchain/pulumi/bin/pulumi-resource-pulumi-nodejs" "$KP_TOOLS/bin/pulumi-resource-pulumi-nodejs"
  kp_log "pulumi: $("$KP_TOOLS/bin/pulumi" version)"
}

step_plugins() {
  local installed; installed="$(pulumi plugin ls --json 2>/dev/null || echo '[]')"
  local dir name ver have key bin
  for dir in toolchain/providers/*/; do
    name="$(basename "$dir")"
    [ -f "node_modules/@pulumi/$name/package.json" ] || continue   # provider not used
    ver="$(node -p "require('./node_modules/@pulumi/$name/package.json').pulumi.version")"
    have="$(node -e 'const [n,v]=process.argv.slice(1);const l=JSON.parse(require("fs").readFileSync(0,"utf8"));
      process.stdout.write(l.some(p=>p.kind==="resource"&&p.name===n&&p.version===v)?"yes":"no")' "$name" "$ver" <<<"$installed")"
    if [ "$have" = yes ]; then kp_log "plugin $name: v$ver installed"; continue; fi
    key="$(sha_tree "$dir")-$(go env GOVERSION)"
    bin="$KP_CACHE/providers/$name-v$ver-$key/pulumi-resource-$name"
    if [ ! -x "$bin" ]; then
      kp_log "plugin $name: building v$ver from Go modules (minutes on a cold cache)"
      rm -rf "$(dirname "$bin").tmp"; mkdir -p "$(dirname "$bin").tmp"
      OUT="$(dirname "$bin").tmp/pulumi-resource-$name" VERSION="$ver" WORK="$KP_TOOLS/build/$name" bash "$dir/build.sh" >&2
      rm -rf "$(dirname "$bin")" && mv "$(dirname "$bin").tmp" "$(dirname "$bin")"
    fi
    touch "$(dirname "$bin")" && prune_cache "$KP_CACHE/providers" "$name-"
    pulumi plugin install resource "$name" "$ver" --file "$bin" >&2
    kp_log "plugin $name: v$ver installed"
  done
}

step_jars() {
  local stamp; stamp="$(sha toolchain/kafka/pom.xml)"
  if [ -f "$KP_TOOLS/kafka/.stamp" ] && [ "$(cat "$KP_TOOLS/kafka/.stamp")" = "$stamp" ]; then
    kp_log "kafka jars: up to date ($(ls "$KP_TOOLS/kafka/libs" | wc -l) jars)"; return; fi
  command -v mvn >/dev/null || apt_install maven
  rm -rf "$KP_TOOLS/kafka" && mkdir -p "$KP_TOOLS/kafka"
  mvn -B -q -f toolchain/kafka/pom.xml dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KP_TOOLS/kafka/libs" >&2
  echo "$stamp" > "$KP_TOOLS/kafka/.stamp"
  kp_log "kafka jars: $(ls "$KP_TOOLS/kafka/libs" | wc -l) jars"
}

step_docker() {
  if docker info >/dev/null 2>&1; then kp_log "docker: engine running"; return; fi
  command -v dockerd >/dev/null || apt_install docker.io
  [ "$(id -u)" = 0 ] || kp_die "docker engine not reachable and not root: start Docker and re-run"
  kp_log "docker: starting dockerd (log: $KP_CACHE/dockerd.log)"
  setsid nohup dockerd >"$KP_CACHE/dockerd.log" 2>&1 </dev/null &
  local i; for i in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || kp_die "dockerd did not answer within 60 s; see $KP_CACHE/dockerd.log"
  kp_log "docker: engine $(docker version -f '{{.Server.Version}}')"
}

# The JRE base image: the configured registry image when present or pullable, else a Debian
# minbase + openjdk-17-jre-headless made with debootstrap and `docker import`.
base_image() {
  local explicit="$KP_BASE_IMAGE_SET"
  if docker image inspect "$KP_BASE_IMAGE" >/dev/null 2>&1; then echo "$KP_BASE_IMAGE"; return; fi
  if [ -z "$explicit" ] && docker image inspect "$KP_LOCAL_BASE_IMAGE" >/dev/null 2>&1; then
    echo "$KP_LOCAL_BASE_IMAGE"; return; fi
  if timeout 60 docker pull -q "$KP_BASE_IMAGE" >&2 2>/dev/null; then echo "$KP_BASE_IMAGE"; return; fi
  [ -z "$explicit" ] || kp_die "base image $KP_BASE_IMAGE is neither present nor pullable"
  kp_log "images: no registry reachable; building $KP_LOCAL_BASE_IMAGE with debootstrap"
  command -v debootstrap >/dev/null || apt_install debootstrap
  local mirror rootfs="$KP_TOOLS/build/rootfs"
  mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)"
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" \
    "${mirror:-http://deb.debian.org/debian}" >&2
  # Caches and docs are dead weight in an image.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc \
    "$rootfs"/usr/share/man "$rootfs"/usr/share/locale
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' --change 'CMD ["/bin/bash"]' \
    - "$KP_LOCAL_BASE_IMAGE" >&2
  rm -rf "$rootfs"
  echo "$KP_LOCAL_BASE_IMAGE"
}

step_images() {
  local base base_id inputs ctx="$KP_TOOLS/build/kafka-image"
  base="$(base_image)"; base_id="$(docker image inspect -f '{{.Id}}' "$base")"
  inputs="$(sha_tree images/kafka)-$(cat "$KP_TOOLS/kafka/.stamp")-${base_id:7:16}"
  if [ "$(docker image inspect -f '{{index .Config.Labels "kafka-platform.inputs"}}' "$KP_KAFKA_IMAGE" 2>/dev/null)" = "$inputs" ]; then
    kp_log "images: $KP_KAFKA_IMAGE up to date (base $base)"; return; fi
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp -al "$KP_TOOLS/kafka/libs" "$ctx/libs"
  cp -r images/kafka/. "$ctx/"
  docker build -q --build-arg "BASE_IMAGE=$base" --build-arg "KAFKA_VERSION=$KP_KAFKA_VERSION" \
    --label "kafka-platform.inputs=$inputs" -t "$KP_KAFKA_IMAGE" "$ctx" >&2
  rm -rf "$ctx"
  kp_log "images: built $KP_KAFKA_IMAGE from $base"
}

steps=(npm pulumi plugins jars docker images)
summary=()
ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { local d=$(( $(ms) - $1 )); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }
t_all=$(ms)
for i in "${!steps[@]}"; do
  n=$((i + 1))
  if [ -n "${KP_SETUP_STEPS:-}" ] && ! [[ " $KP_SETUP_STEPS " == *" $n "* ]]; then continue; fi
  t0=$(ms)
  "step_${steps[$i]}"
  summary+=("${steps[$i]} $(secs "$t0") s")
done
kp_log "setup done in $(secs "$t_all") s: $(IFS=';'; echo "${summary[*]}")"
