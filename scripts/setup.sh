#!/usr/bin/env bash
# `npm run setup`: everything the project needs, from package registries only, idempotent.
# Each step checks a stamp of its inputs first, so a warm re-run takes seconds.
#   1 npm ci                  node_modules (skipped when package-lock.json is unchanged)
#   2 pulumi CLI              built from Go modules (toolchain/pulumi) unless a pulumi of the
#                             pinned version is already on PATH
#   3 provider plugins        built from Go modules (toolchain/providers/*), installed with
#                             `pulumi plugin install --file` at the npm SDKs' plugin versions;
#                             kubernetes only when KP_WITH_KUBERNETES=1 (Docker stacks never load it)
#   4 kafka jars              Kafka, ZooKeeper, MirrorMaker 2, tools from Maven Central
#   5 docker engine           Debian's docker.io + dockerd when `docker info` fails
#   6 images                  images/kafka, lag-exporter (esbuild bundle), images/prometheus on
#                             JRE, Node and Debian bases (registry, or Debian minbase imported)
#   7 kubernetes              only when KP_WITH_KUBERNETES=1 (`npm run k8s -- up` sets it): the
#                             local cluster's binaries built from Go modules (toolchain/kubernetes,
#                             toolchain/coredns) into the build cache, linked in .tools/k8s/bin;
#                             its Debian packages; the pause and CoreDNS images (FROM scratch)
#   8 actionlint              only when KP_WITH_ACTIONLINT=1 (`npm test`): the workflow checker,
#                             built from Go modules (toolchain/actionlint) into the build cache
# Output is a progress report: one line per step (duration, cache hit or what was built); every
# tool's output goes to .tools/logs/<step>.log. A failing step prints its name, the last 40 lines
# of its log and the log's path, and setup exits non-zero. When nothing had to be done: one line.
# Env: KP_BASE_IMAGE, KP_NODE_BASE_IMAGE, KP_PROMETHEUS_BASE_IMAGE (registry bases, defaults in
#      scripts/env.sh), KP_KAFKA_IMAGE, KP_LAG_EXPORTER_IMAGE, KP_PROMETHEUS_IMAGE,
#      KP_CACHE (build cache, default ~/.cache/kafka-platform), KP_SETUP_STEPS (e.g. "1 2").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KP_ROOT"
mkdir -p "$KP_TOOLS/bin" "$KP_CACHE" "$KP_TOOLS/logs"

# A step's one-line result goes to fd 3 (the progress report); everything else to its log.
# `hit` marks a step that had nothing to do.
done_() { printf '%s\n' "$*" >&3; }
hit() { printf 'hit: %s\n' "$*" >&3; }

sha() { cat "$@" | sha256sum | cut -c1-16; }
# Hash of a folder's files that git tracks or would (names and working-tree contents): stable
# across clones, blind to what builds generate there (ignored), and a new file counts at once.
sha_tree() { (cd "$KP_ROOT" && git ls-files -z --cached --others --exclude-standard -- "$1" | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }
# Build cache entries are keyed by their inputs, so every toolchain change adds one (~110 MB
# for the CLI). Keep the 3 most recently used of a kind (entries are touched when used): enough
# for clones of nearby commits to share, without growing forever.
prune_cache() {
  local dir="$1" prefix="$2"
  ls -1dt "$dir/$prefix"* 2>/dev/null | grep -v '\.tmp$' | tail -n +4 | while read -r old; do
    echo "cache: removing $old (not among the 3 most recently used)"; rm -rf "$old"; done
}
# apt-get install, updating the package lists once per run when a package is unknown.
apt_install() {
  [ "$(id -u)" = 0 ] || kp_die "need root to apt-get install $*; install them and re-run"
  if [ -z "${KP_APT_UPDATED:-}" ]; then apt-get update -qq; KP_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

step_npm() {
  # The lock alone: npm ci installs what it pins; a new npm script must not reinstall everything.
  local stamp; stamp="$(sha package-lock.json)-$(node --version)"
  if [ -f node_modules/.kp-stamp ] && [ "$(cat node_modules/.kp-stamp)" = "$stamp" ]; then
    hit "node_modules up to date"; return; fi
  npm ci --no-audit --no-fund
  echo "$stamp" > node_modules/.kp-stamp
  done_ "npm ci: node_modules $(du -sh node_modules | cut -f1)"
}

step_pulumi() {
  # A pulumi of the pinned version installed elsewhere (a normal install) is used as it is; ours
  # (in .tools/bin, wherever it stands on PATH) does not count.
  local found; found="$(PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$KP_TOOLS/bin" | paste -sd:)" command -v pulumi || true)"
  if [ -n "$found" ] && "$found" version 2>/dev/null | grep -qx "v$KP_PULUMI_VERSION"; then
    hit "using $found (v$KP_PULUMI_VERSION)"; rm -f "$KP_TOOLS/bin/pulumi"; return; fi
  command -v go >/dev/null || kp_die "Go (>= 1.25) is needed to build the Pulumi CLI"
  local key dir built=""
  key="$(sha_tree toolchain/pulumi)-$(go env GOVERSION)"
  dir="$KP_CACHE/pulumi/v$KP_PULUMI_VERSION-$key"
  if [ ! -x "$dir/pulumi" ] || [ ! -x "$dir/pulumi-language-nodejs" ]; then
    echo "building pulumi v$KP_PULUMI_VERSION from Go modules"; built=1
    local ld="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$KP_PULUMI_VERSION"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    (cd toolchain/pulumi &&
      go build -trimpath -ldflags "$ld" -o "$dir.tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi &&
      go build -trimpath -ldflags "$ld" -o "$dir.tmp/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs)
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  touch "$dir" && prune_cache "$KP_CACHE/pulumi" "v"
  # The CLI looks for its language host and the dynamic-provider shim next to itself, and on PATH;
  # when the two differ it warns on every run ("using … from $PATH"): so both point at one copy.
  cp toolchain/pulumi/bin/pulumi-resource-pulumi-nodejs "$dir/"
  local f; for f in pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do ln -sfn "$dir/$f" "$KP_TOOLS/bin/$f"; done
  if [ -n "$built" ]; then done_ "built pulumi $("$KP_TOOLS/bin/pulumi" version) and its Node.js language host (cache: $dir)"
  else hit "pulumi $("$KP_TOOLS/bin/pulumi" version) from the build cache"; fi
}

step_plugins() {
  local installed; installed="$(pulumi plugin ls --json 2>/dev/null || echo '[]')"
  local dir name ver have key bin result=() all_hit=1
  for dir in toolchain/providers/*/; do
    name="$(basename "$dir")"
    [ -f "node_modules/@pulumi/$name/package.json" ] || continue   # provider not used
    # A Kubernetes estate's plugin (cold build ~11 min, 167 MB): only when asked for.
    if [ "$name" = kubernetes ] && [ "${KP_WITH_KUBERNETES:-}" != 1 ]; then result+=("kubernetes not needed"); continue; fi
    ver="$(node -p "require('./node_modules/@pulumi/$name/package.json').pulumi.version")"
    have="$(node -e 'const [n,v]=process.argv.slice(1);const l=JSON.parse(require("fs").readFileSync(0,"utf8"));
      process.stdout.write(l.some(p=>p.kind==="resource"&&p.name===n&&p.version===v)?"yes":"no")' "$name" "$ver" <<<"$installed")"
    if [ "$have" = yes ]; then result+=("$name $ver installed"); continue; fi
    all_hit=""
    key="$(sha_tree "$dir")-$(go env GOVERSION)"
    bin="$KP_CACHE/providers/$name-v$ver-$key/pulumi-resource-$name"
    if [ ! -x "$bin" ]; then
      echo "building plugin $name v$ver from Go modules"
      rm -rf "$(dirname "$bin").tmp"; mkdir -p "$(dirname "$bin").tmp"
      OUT="$(dirname "$bin").tmp/pulumi-resource-$name" VERSION="$ver" WORK="$KP_TOOLS/build/$name" bash "$dir/build.sh"
      rm -rf "$(dirname "$bin")" && mv "$(dirname "$bin").tmp" "$(dirname "$bin")"
      result+=("$name $ver built")
    else
      result+=("$name $ver from the build cache")
    fi
    touch "$(dirname "$bin")" && prune_cache "$KP_CACHE/providers" "$name-"
    pulumi plugin install resource "$name" "$ver" --file "$bin"
  done
  local line; line="$(IFS=,; echo "${result[*]}" | sed 's/,/, /g')"
  if [ -n "$all_hit" ]; then hit "$line"; else done_ "$line"; fi
}

step_jars() {
  local stamp; stamp="$(sha toolchain/kafka/pom.xml)"
  if [ -f "$KP_TOOLS/kafka/.stamp" ] && [ "$(cat "$KP_TOOLS/kafka/.stamp")" = "$stamp" ]; then
    hit "$(ls "$KP_TOOLS/kafka/libs" | wc -l) jars up to date"; return; fi
  command -v mvn >/dev/null || apt_install maven
  rm -rf "$KP_TOOLS/kafka" && mkdir -p "$KP_TOOLS/kafka"
  mvn -B -q -f toolchain/kafka/pom.xml dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KP_TOOLS/kafka/libs"
  # The JMX exporter is a -javaagent: its own folder (libs/* is the classpath), a stable name.
  local jmx; jmx="$(sed -n 's:.*<jmx.exporter.version>\(.*\)</jmx.exporter.version>.*:\1:p' toolchain/kafka/pom.xml)"
  [ -n "$jmx" ] || kp_die "toolchain/kafka/pom.xml has no jmx.exporter.version"
  mvn -B -q dependency:copy -Dartifact="io.prometheus.jmx:jmx_prometheus_javaagent:$jmx" \
    -Dmdep.stripVersion=true -DoutputDirectory="$KP_TOOLS/kafka/agents"
  [ -f "$KP_TOOLS/kafka/agents/jmx_prometheus_javaagent.jar" ] || kp_die "JMX exporter agent $jmx not fetched"
  echo "$stamp" > "$KP_TOOLS/kafka/.stamp"
  done_ "assembled $(ls "$KP_TOOLS/kafka/libs" | wc -l) jars and the JMX exporter agent $jmx from Maven Central"
}

step_docker() {
  if docker info >/dev/null 2>&1; then hit "engine $(docker version -f '{{.Server.Version}}') running"; return; fi
  command -v dockerd >/dev/null || apt_install docker.io
  [ "$(id -u)" = 0 ] || kp_die "docker engine not reachable and not root: start Docker and re-run"
  echo "starting dockerd (log: $KP_CACHE/dockerd.log)"
  setsid nohup dockerd >"$KP_CACHE/dockerd.log" 2>&1 </dev/null &
  local i; for i in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || kp_die "dockerd did not answer within 60 s; see $KP_CACHE/dockerd.log"
  done_ "started dockerd, engine $(docker version -f '{{.Server.Version}}') (its log: $KP_CACHE/dockerd.log)"
}

# A base image: the registry one when present or pullable, else LOCAL: a Debian minbase with
# PACKAGES made with debootstrap and `docker import` (extra args: its --change options). A registry
# base the user set (USER_SET non-empty) must be used, or setup fails. Prints the image's name.
#   base_image REGISTRY USER_SET LOCAL PACKAGES [--change …]
base_image() {
  set -e   # it runs in $(…), where bash drops errexit: a failing debootstrap must stop here
  local registry="$1" explicit="$2" local_="$3" packages="$4"; shift 4
  if docker image inspect "$registry" >/dev/null 2>&1; then echo "$registry"; return; fi
  if [ -z "$explicit" ] && docker image inspect "$local_" >/dev/null 2>&1; then echo "$local_"; return; fi
  if timeout 60 docker pull -q "$registry" >&2; then echo "$registry"; return; fi
  [ -z "$explicit" ] || kp_die "base image $registry is neither present nor pullable"
  echo "no registry reachable; building $local_ with debootstrap" >&2
  command -v debootstrap >/dev/null || apt_install debootstrap >&2
  local mirror rootfs="$KP_TOOLS/build/rootfs"
  mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)"
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" \
    "${mirror:-http://deb.debian.org/debian}" >&2
  # Caches and docs are dead weight in an image; so is moment-timezone's raw data (210 MB, a
  # dependency of Prometheus's UI, which reads only the bundled moment-timezone-with-data.js).
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc \
    "$rootfs"/usr/share/man "$rootfs"/usr/share/locale "$rootfs"/usr/share/javascript/moment-timezone/data
  tar -C "$rootfs" -c . | docker import "$@" --change 'CMD ["/bin/bash"]' - "$local_" >&2
  echo "built $local_" >&2
  rm -rf "$rootfs"
  echo "$local_"
}

image_id() { local id; id="$(docker image inspect -f '{{.Id}}' "$1")"; echo "${id:7:16}"; }
# Each image carries a label with the hash of its inputs (build context, base image id): it is
# rebuilt only when that changed. Both add the image to step_images' lists `current`, `built`.
up_to_date() {
  [ "$(docker image inspect -f '{{index .Config.Labels "kafka-platform.inputs"}}' "$1" 2>/dev/null)" = "$2" ] || return
  current+=("$1")
}
build_image() {
  local image="$1" base="$2" inputs="$3" ctx="$4"; shift 4
  # --force-rm: a failing step's container goes too (the legacy builder keeps it otherwise).
  docker build --force-rm --build-arg "BASE_IMAGE=$base" --label "kafka-platform.inputs=$inputs" -t "$image" "$@" "$ctx"
  built+=("$image from $base")
}

# Kafka: the jars of step 4 and images/kafka on the JRE base.
image_kafka() {
  local base="$1" inputs ctx="$KP_TOOLS/build/kafka-image"
  inputs="$(sha_tree images/kafka)-$(cat "$KP_TOOLS/kafka/.stamp")-$(image_id "$base")"
  up_to_date "$KP_KAFKA_IMAGE" "$inputs" && return
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp -al "$KP_TOOLS/kafka/libs" "$ctx/libs" && cp -al "$KP_TOOLS/kafka/agents" "$ctx/agents"
  cp -r images/kafka/. "$ctx/"
  build_image "$KP_KAFKA_IMAGE" "$base" "$inputs" "$ctx" --build-arg "KAFKA_VERSION=$KP_KAFKA_VERSION"
  rm -rf "$ctx"
}

# The lag exporter: lag-exporter/src/main.ts and all it imports (src/clients, kafkajs,
# prom-client) bundled into one file, so the image needs no node_modules. The bundle (<1 s) is
# made every run because it is the input: any change that reaches it rebuilds.
image_lag_exporter() {
  local base="$1" inputs ctx="$KP_TOOLS/build/lag-exporter-image"
  rm -rf "$ctx" && mkdir -p "$ctx"
  # Not minified, so that stack traces stay readable. A require() of a computed name would stay
  # out of the bundle and fail only in the container: an error here instead.
  # Two entry points: the service, and its poll worker (a thread started from worker.js).
  node_modules/.bin/esbuild lag-exporter=lag-exporter/src/main.ts worker=lag-exporter/src/worker.ts --bundle --platform=node --target=node18 \
    --format=cjs --log-level=warning --log-override:unsupported-require-call=error --outdir="$ctx"
  cp lag-exporter/Dockerfile "$ctx/"
  inputs="$(sha "$ctx/lag-exporter.js" "$ctx/worker.js" "$ctx/Dockerfile")-$(image_id "$base")"
  up_to_date "$KP_LAG_EXPORTER_IMAGE" "$inputs" || build_image "$KP_LAG_EXPORTER_IMAGE" "$base" "$inputs" "$ctx"
  rm -rf "$ctx"
}

image_prometheus() {
  local base="$1" inputs
  inputs="$(sha_tree images/prometheus)-$(image_id "$base")"
  up_to_date "$KP_PROMETHEUS_IMAGE" "$inputs" || build_image "$KP_PROMETHEUS_IMAGE" "$base" "$inputs" images/prometheus
}

commas() { local IFS=,; echo "$*" | sed 's/,/, /g'; }

step_images() {
  local jre node prom current=() built=()
  jre="$(base_image "$KP_BASE_IMAGE" "$KP_BASE_IMAGE_SET" "$KP_LOCAL_BASE_IMAGE" openjdk-17-jre-headless \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64')"
  node="$(base_image "$KP_NODE_BASE_IMAGE" "$KP_NODE_BASE_IMAGE_SET" "$KP_LOCAL_NODE_BASE_IMAGE" nodejs)"
  prom="$(base_image "$KP_PROMETHEUS_BASE_IMAGE" "$KP_PROMETHEUS_BASE_IMAGE_SET" "$KP_LOCAL_PROMETHEUS_BASE_IMAGE" prometheus)"
  image_kafka "$jre"
  image_lag_exporter "$node"
  image_prometheus "$prom"
  if [ "${#built[@]}" = 0 ]; then hit "$(commas "${current[@]}") up to date"; return; fi
  done_ "built $(commas "${built[@]}")${current[*]:+; $(commas "${current[@]}") up to date}"
}

# The local Kubernetes of `npm run k8s` (scripts/k8s.sh): nothing unless KP_WITH_KUBERNETES=1,
# so that `npm run up` of the Docker stack never waits for its builds (~10 min cold on 2 cores).
step_kubernetes() {
  if [ "${KP_WITH_KUBERNETES:-}" != 1 ]; then hit "not needed (KP_WITH_KUBERNETES unset)"; return; fi
  source scripts/k8s/env.sh
  # What the cluster runs besides its own binaries: Debian's containerd (a second instance;
  # Docker's stays as it is), runc, the CNI plugins, iptables/conntrack for kube-proxy,
  # openssl for the certificates, curl for health checks, gcc and a static libc for pause.
  local need=() pkg
  for pkg in containerd:/usr/bin/containerd runc:/usr/sbin/runc containernetworking-plugins:/usr/lib/cni/bridge \
    iptables:/usr/sbin/iptables conntrack:/usr/sbin/conntrack openssl:/usr/bin/openssl iproute2:/usr/sbin/ip \
    curl:/usr/bin/curl gcc:/usr/bin/gcc libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a; do
    [ -e "${pkg#*:}" ] || need+=("${pkg%%:*}"); done
  [ "${#need[@]}" = 0 ] || apt_install "${need[@]}"
  command -v go >/dev/null || kp_die "Go (>= 1.25) is needed to build Kubernetes"
  local key dir compiled="" b
  key="$(sha_tree toolchain/kubernetes)-$(sha_tree toolchain/coredns)-$(go env GOVERSION)"
  dir="$KP_CACHE/kubernetes/$K8S_VERSION-$key"
  for b in $K8S_BINARIES; do [ -x "$dir/$b" ] || compiled=1; done
  if [ -n "$compiled" ]; then
    echo "building Kubernetes $K8S_VERSION, etcd, CoreDNS $K8S_COREDNS_VERSION, pause, kp-cri and kp-volumes"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    OUT="$dir.tmp" bash toolchain/kubernetes/build.sh
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  touch "$dir" && prune_cache "$KP_CACHE/kubernetes" "v"
  mkdir -p "$K8S_BIN"
  for b in $K8S_BINARIES; do ln -sfn "$dir/$b" "$K8S_BIN/$b"; done
  # The images the cluster needs besides the project's: FROM scratch, one static binary each.
  local current=() built=() name image ctx inputs
  for name in pause coredns; do
    image="$K8S_PAUSE_IMAGE"; [ "$name" = pause ] || image="$K8S_COREDNS_IMAGE"
    inputs="$(sha "$dir/$name" "scripts/k8s/images/$name.Dockerfile")"
    up_to_date "$image" "$inputs" && continue
    ctx="$KP_TOOLS/build/k8s-$name-image"
    rm -rf "$ctx" && mkdir -p "$ctx" && cp "$dir/$name" "$ctx/" && cp "scripts/k8s/images/$name.Dockerfile" "$ctx/Dockerfile"
    build_image "$image" scratch "$inputs" "$ctx"
    rm -rf "$ctx"
  done
  local what; what="Kubernetes $("$K8S_BIN/kubectl" version --client -o json | node -p 'JSON.parse(require("fs").readFileSync(0,"utf8")).clientVersion.gitVersion')"
  if [ -n "$compiled" ]; then what="built $what (cache: $dir)"; else what="$what from the build cache"; fi
  if [ -z "$compiled" ] && [ "${#built[@]}" = 0 ]; then hit "$what; $(commas "${current[@]}") up to date"; return; fi
  done_ "$what${built[*]:+; built $(commas "${built[@]}")}${current[*]:+; $(commas "${current[@]}") up to date}"
}

step_actionlint() {
  # Only where workflows are checked (`npm test` sets KP_WITH_ACTIONLINT=1): `npm run up` never builds it.
  if [ -z "${KP_WITH_ACTIONLINT:-}" ]; then hit "not needed (KP_WITH_ACTIONLINT unset)"; return; fi
  command -v go >/dev/null || kp_die "Go (>= 1.25) is needed to build actionlint"
  local key dir
  key="$(sha_tree toolchain/actionlint)-$(go env GOVERSION)"
  dir="$KP_CACHE/actionlint/$key"
  if [ -x "$dir/actionlint" ]; then
    touch "$dir"; ln -sfn "$dir/actionlint" "$KP_TOOLS/bin/actionlint"
    hit "actionlint $("$dir/actionlint" -version | head -n 1) from the build cache"; return; fi
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  (cd toolchain/actionlint && go build -trimpath -ldflags "-s -w" -o "$dir.tmp/actionlint" github.com/rhysd/actionlint/cmd/actionlint)
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  prune_cache "$KP_CACHE/actionlint" ""
  ln -sfn "$dir/actionlint" "$KP_TOOLS/bin/actionlint"
  done_ "built actionlint $("$dir/actionlint" -version | head -n 1) from Go modules (cache: $dir)"
}

steps=(npm pulumi plugins jars docker images kubernetes actionlint)
ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { local d=$(( $(ms) - $1 )); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }
report=()
all_hit=1
t_all=$(ms)
for i in "${!steps[@]}"; do
  n=$((i + 1)) name="${steps[$i]}"
  if [ -n "${KP_SETUP_STEPS:-}" ] && ! [[ " $KP_SETUP_STEPS " == *" $n "* ]]; then continue; fi
  log="$KP_TOOLS/logs/$name.log" result="$KP_TOOLS/logs/.$name.result"
  t0=$(ms)
  printf '### %s %s\n' "$(date -Is)" "$name" >"$log"
  set +e
  ( set -e; "step_$name" ) >>"$log" 2>&1 3>"$result"
  rc=$?
  set -e
  if [ "$rc" != 0 ]; then
    {
      printf 'setup: step %d/%d (%s) FAILED after %s s, exit %d. The last 40 lines of its log:\n' "$n" "${#steps[@]}" "$name" "$(secs "$t0")" "$rc"
      tail -n 40 "$log" | sed 's/^/  | /'
      printf 'setup: full log: %s\n' "$log"
    } >&2
    exit 1
  fi
  line="$(tail -n 1 "$result" 2>/dev/null)"
  case "$line" in hit:*) ;; *) all_hit="" ;; esac
  report+=("$(printf 'setup %d/%d %-10s %6s s  %s' "$n" "${#steps[@]}" "$name" "$(secs "$t0")" "${line:-done}")")
  # Cold steps take minutes: say each as it ends, not all at the end.
  [ -n "$all_hit" ] || { printf '%s\n' "${report[@]}" >&2; report=(); }
done
if [ -n "$all_hit" ]; then
  printf 'setup: everything up to date (%s s; logs in %s)\n' "$(secs "$t_all")" "${KP_TOOLS#"$KP_ROOT/"}/logs" >&2
else
  [ "${#report[@]}" = 0 ] || printf '%s\n' "${report[@]}" >&2
  printf 'setup: done in %s s (logs in %s)\n' "$(secs "$t_all")" "${KP_TOOLS#"$KP_ROOT/"}/logs" >&2
fi
