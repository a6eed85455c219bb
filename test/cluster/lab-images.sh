#!/usr/bin/env bash
# The images the cluster suite runs, all made on this machine (no container registry is reachable here):
#   build        starts Debian's dockerd (own socket, data root in the cache, no iptables, no bridge), builds every
#                image below with the legacy builder, saves the changed ones to $LAB/images/*.tar, stops dockerd
#   import       imports into the lab's containerd (namespace k8s.io) each saved image it lacks
#   stop-docker  stops a dockerd this script started
# Images: node:24-bookworm-slim (the project Dockerfile's FROM: debootstrap bookworm + the node@24 devDependency's
# binary + npm), the project's own Dockerfile as local/openai-gemini-sidecar:dev, the emulator, the test pod's
# curlimages/curl:8.11.1 (Debian's curl under the name the chart's tests.image names), Traefik, Envoy, nginx,
# Prometheus (built from its Go module), CoreDNS, busybox and the pause image. Builds run with --network host: RUN steps reach the package
# registries the way this machine does, and nothing is masqueraded.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
LAB=${CLUSTER_LAB_DIR:-$HOME/.cache/openai-gemini-sidecar/cluster}
RUN=$LAB/run; IMAGES=$LAB/images; DOCKER_SOCK=$LAB/docker.sock
TOOLS=${CHART_TOOLS_DIR:-$HOME/.cache/openai-gemini-sidecar}
export PATH=$LAB/bin:$PATH:/usr/sbin:/sbin
SIDECAR_IMAGE=local/openai-gemini-sidecar:dev EMULATOR_IMAGE=local/gemini-emulator:dev
TRAEFIK_IMAGE=local/traefik:v3.6.12 ENVOY_IMAGE=local/envoy:1.40.0 NGINX_IMAGE=local/nginx:bookworm PROMETHEUS_IMAGE=local/prometheus:v3.5.0
CURL_IMAGE=curlimages/curl:8.11.1 COREDNS_IMAGE=local/coredns:v1.12.4 BUSYBOX_IMAGE=local/busybox:bookworm PAUSE_IMAGE=registry.k8s.io/pause:3.10
ALL="$PAUSE_IMAGE $BUSYBOX_IMAGE $COREDNS_IMAGE $CURL_IMAGE $SIDECAR_IMAGE $EMULATOR_IMAGE $TRAEFIK_IMAGE $ENVOY_IMAGE $NGINX_IMAGE $PROMETHEUS_IMAGE"
docker() { command docker -H "unix://$DOCKER_SOCK" "$@"; }
ctr() { command ctr --address "$RUN/containerd/containerd.sock" -n k8s.io "$@"; }
file_of() { echo "$IMAGES/$(tr '/:' '__' <<<"$1").tar"; }
started=$SECONDS
say() { echo "[images $((SECONDS - started))s] $*"; }

start_docker() {
  mkdir -p "$LAB/docker" "$RUN"
  [ -f "$LAB/dockerd.pid" ] && kill -0 "$(cat "$LAB/dockerd.pid")" 2>/dev/null && return 0
  # --iptables=false: dockerd would otherwise set FORWARD's policy to DROP and add NAT rules; builds use the host network.
  setsid dockerd --data-root "$LAB/docker" --exec-root "$LAB/docker-exec" --pidfile "$LAB/dockerd.pid" -H "unix://$DOCKER_SOCK" \
    --iptables=false --ip-forward=false --ip-masq=false --bridge=none >"$LAB/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 120); do docker version >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "dockerd did not start (log: $LAB/dockerd.log)" >&2; return 1
}
stop_docker() {
  [ -f "$LAB/dockerd.pid" ] || return 0
  local pid; pid=$(cat "$LAB/dockerd.pid")
  if kill "$pid" 2>/dev/null; then for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done; kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$LAB/dockerd.pid"
}
build() { # IMAGE DOCKERFILE CONTEXT [ARGS...]
  local image=$1 dockerfile=$2 context=$3; shift 3
  DOCKER_BUILDKIT=0 docker build -q --network host -t "$image" -f "$dockerfile" "$@" "$context" >>"$LAB/logs/docker-build.log" 2>&1 ||
    { tail -n 30 "$LAB/logs/docker-build.log" >&2; echo "docker build of $image failed (log: $LAB/logs/docker-build.log)" >&2; return 1; }
  say "built $image"
}
stage() { rm -rf "$IMAGES/ctx/$1"; mkdir -p "$IMAGES/ctx/$1/bin" "$IMAGES/ctx/$1/root"; echo "$IMAGES/ctx/$1"; }

build_all() {
  mkdir -p "$IMAGES" "$LAB/logs"; : >"$LAB/logs/docker-build.log"
  trap stop_docker EXIT
  start_docker
  if ! docker image inspect local/debian:bookworm >/dev/null 2>&1; then
    say "debootstrap bookworm (minbase)"
    if [ ! -e "$IMAGES/rootfs/.lab-complete" ]; then
      rm -rf "$IMAGES/rootfs"
      debootstrap --variant=minbase --include=ca-certificates bookworm "$IMAGES/rootfs" http://deb.debian.org/debian >"$LAB/logs/debootstrap.log" 2>&1
      touch "$IMAGES/rootfs/.lab-complete"
    fi
    tar --numeric-owner -C "$IMAGES/rootfs" --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* --exclude=./.lab-complete -c . |
      docker import - local/debian:bookworm >/dev/null
    rm -rf "$IMAGES/rootfs"
  fi
  local ctx node
  node=$(cd "$REPO" && node -e 'process.stdout.write(require.resolve("node/bin/node"))' 2>/dev/null || true)
  [ -x "$node" ] || { echo "no node binary in $REPO/node_modules/node: run npm ci first" >&2; return 1; }
  ctx=$(stage node-base); cp "$node" "$ctx/node"; mkdir -p "$ctx/ca"
  find /usr/local/share/ca-certificates -name '*.crt' -exec cp {} "$ctx/ca/" \; 2>/dev/null || true
  cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ctx/npm"
  build node:24-bookworm-slim "$HERE/images/node-base.Dockerfile" "$ctx"
  build "$SIDECAR_IMAGE" "$REPO/Dockerfile" "$REPO"
  ctx=$(stage emulator); mkdir -p "$ctx/dist/test"; cp "$REPO"/package.json "$REPO"/package-lock.json "$ctx/"
  cp -r "$REPO/dist/test/emulator" "$ctx/dist/test/emulator"
  build "$EMULATOR_IMAGE" "$HERE/images/emulator.Dockerfile" "$ctx"
  ctx=$(stage curl); build "$CURL_IMAGE" "$HERE/images/debian-tool.Dockerfile" "$ctx" --build-arg PACKAGES=curl
  ctx=$(stage nginx); build "$NGINX_IMAGE" "$HERE/images/debian-tool.Dockerfile" "$ctx" --build-arg PACKAGES=nginx
  ctx=$(stage traefik); cp "$LAB/bin/traefik" "$ctx/bin/"; build "$TRAEFIK_IMAGE" "$HERE/images/debian-tool.Dockerfile" "$ctx"
  ctx=$(stage envoy); cp "$(ls "$TOOLS"/envoy/lib/python3*/site-packages/envoy/_bin/envoy | head -n1)" "$ctx/bin/"
  build "$ENVOY_IMAGE" "$HERE/images/debian-tool.Dockerfile" "$ctx"
  ctx=$(stage prometheus); cp "$LAB/bin/prometheus" "$ctx/bin/"; build "$PROMETHEUS_IMAGE" "$HERE/images/debian-tool.Dockerfile" "$ctx"
  ctx=$(stage coredns); cp "$LAB/bin/coredns" "$ctx/root/"; build "$COREDNS_IMAGE" "$HERE/images/scratch-tool.Dockerfile" "$ctx"
  ctx=$(stage busybox); mkdir -p "$ctx/root/bin" "$ctx/root/etc" "$ctx/root/tmp"; cp /bin/busybox "$ctx/root/bin/"
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$ctx/root/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n' >"$ctx/root/etc/passwd"
  build "$BUSYBOX_IMAGE" "$HERE/images/scratch-tool.Dockerfile" "$ctx"
  # The pause container: pause(2) until a signal, reaping children (what registry.k8s.io/pause does).
  ctx=$(stage pause)
  printf '#include <signal.h>\n#include <stdlib.h>\n#include <unistd.h>\n#include <sys/wait.h>\nstatic void quit(int s){exit(0);}\nstatic void reap(int s){while(waitpid(-1,0,WNOHANG)>0);}\nint main(void){signal(SIGINT,quit);signal(SIGTERM,quit);signal(SIGCHLD,reap);for(;;)pause();}\n' >"$ctx/pause.c"
  gcc -static -O2 -s -o "$ctx/root/pause" "$ctx/pause.c"
  build "$PAUSE_IMAGE" "$HERE/images/pause.Dockerfile" "$ctx"
  local image id file
  for image in $ALL; do
    file=$(file_of "$image"); id=$(docker image inspect -f '{{.Id}}' "$image")
    if [ "$(cat "$file.id" 2>/dev/null)" != "$id" ]; then docker save "$image" -o "$file"; echo "$id" >"$file.id"; say "saved $image"; fi
  done
  rm -rf "$IMAGES/ctx"
}

import_all() {
  local image file want stamp
  mkdir -p "$LAB/containerd-imported"
  for image in $ALL; do
    file=$(file_of "$image"); want=$(cat "$file.id" 2>/dev/null || true)
    [ -n "$want" ] || { echo "no saved image $image: run $0 build" >&2; return 1; }
    # containerd's root (and so its images) outlives a lab; the stamp says which build of the image it holds.
    stamp="$LAB/containerd-imported/$(basename "$file").id"
    if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && ctr images ls -q | grep -q "$image\$"; then continue; fi
    ctr images import "$file" >/dev/null
    echo "$want" >"$stamp"
    say "imported $image"
  done
}

case "${1:-}" in
  build) build_all ;;
  import) import_all ;;
  stop-docker) stop_docker ;;
  *) echo "usage: $0 build|import|stop-docker" >&2; exit 2 ;;
esac
