#!/usr/bin/env bash
# Builds (or finds already built) everything the cluster suite's single-node Kubernetes needs, from the package
# registries only: Debian (containerd, runc, CNI plugins, etcd, docker.io, debootstrap), the Go module proxy
# (Kubernetes, CoreDNS, Traefik) and the tools npm test already provisions (helm3, the envoy venv).
# Output: $LAB/bin/*. A second run costs a version check per binary.
#
#   LAB=${CLUSTER_LAB_DIR:-~/.cache/openai-gemini-sidecar/cluster}   bash test/cluster/build-lab.sh
set -euo pipefail
LAB=${CLUSTER_LAB_DIR:-$HOME/.cache/openai-gemini-sidecar/cluster}
KUBERNETES=1.33.13 COREDNS=v1.12.4 TRAEFIK=v3.6.12 PROMETHEUS=v0.305.0 # Prometheus 3.5
export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin CGO_ENABLED=0 GOFLAGS=-buildvcs=false
mkdir -p "$LAB/bin" "$LAB/logs"
exec 9>"$LAB/build.lock"; flock 9
started=$SECONDS
say() { echo "[build-lab $((SECONDS - started))s] $*"; }

# --- Debian packages (their daemons kept from starting: the harness starts its own, on its own sockets) ----------
need=()
for pair in containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins etcd:etcd-server \
  iptables:iptables conntrack:conntrack socat:socat dockerd:docker.io debootstrap:debootstrap gcc:gcc \
  /bin/busybox:busybox-static; do
  tool=${pair%%:*} pkg=${pair#*:}
  if [[ $tool == /* ]]; then [ -e "$tool" ] || need+=("$pkg"); else command -v "$tool" >/dev/null || need+=("$pkg"); fi
done
if [ ${#need[@]} -gt 0 ]; then
  say "apt-get install ${need[*]}"
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1; fi
  apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q)
  "${apt[@]}" update >>"$LAB/logs/apt.log" 2>&1 9>&-
  "${apt[@]}" install -y --no-install-recommends "${need[@]}" >>"$LAB/logs/apt.log" 2>&1 9>&-
  [ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
fi

# --- Kubernetes: k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces k8s.io/* with ./staging), so a
# scratch module requires it and maps each staging module to its published v0.<minor>.<patch> twin --------------
if ! "$LAB/bin/kubelet" --version 2>/dev/null | grep -qx "Kubernetes v$KUBERNETES"; then
  say "building Kubernetes v$KUBERNETES"
  work=$LAB/k8s-module; mkdir -p "$work"; cd "$work"
  go mod download k8s.io/kubernetes@v$KUBERNETES
  mod=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v$KUBERNETES.mod
  staging=0.${KUBERNETES#1.}
  {
    echo "module lab/kubernetes"; echo "go 1.24.0"; echo "godebug default=go1.24"
    echo "require k8s.io/kubernetes v$KUBERNETES"; echo "replace ("
    awk -v v="$staging" '$2 == "=>" && $3 ~ /^\.\/staging/ { print "\t" $1 " => " $1 " v" v }' "$mod"
    echo ")"
  } >go.mod
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubeadm; do printf '\t_ "k8s.io/kubernetes/cmd/%s/app"\n' $c; done
    printf '\t_ "k8s.io/kubectl/pkg/cmd"\n)\n'
  } >tools.go
  go mod tidy >>"$LAB/logs/kubernetes-build.log" 2>&1
  ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=v$KUBERNETES -X $p.gitMajor=1 -X $p.gitMinor=$(cut -d. -f2 <<<"$KUBERNETES") -X $p.gitTreeState=clean -X $p.buildDate=2025-01-01T00:00:00Z"
  done
  go build -trimpath -ldflags "$ld" -o "$LAB/bin/" \
    k8s.io/kubernetes/cmd/{kube-apiserver,kube-controller-manager,kube-scheduler,kubelet,kube-proxy,kubeadm,kubectl} >>"$LAB/logs/kubernetes-build.log" 2>&1
fi

# --- CoreDNS (a plain go install) ---------------------------------------------------------------------------------
if ! go version -m "$LAB/bin/coredns" 2>/dev/null | grep -q "mod.*github.com/coredns/coredns.*$COREDNS"; then
  say "building CoreDNS $COREDNS"
  GOBIN="$LAB/bin" go install -trimpath -ldflags "-s -w" github.com/coredns/coredns@$COREDNS >"$LAB/logs/coredns-build.log" 2>&1
fi

# --- Traefik: go install refuses it (replace directives in go.mod) and its module zip lacks webui/static, which a
# go:embed needs: build a copy of the module source as the main module, with a placeholder page -------------------
if ! "$LAB/bin/traefik" version 2>/dev/null | grep -q "$TRAEFIK"; then
  say "building Traefik $TRAEFIK"
  go mod download github.com/traefik/traefik/v3@$TRAEFIK
  src=$LAB/traefik-src; rm -rf "$src"
  cp -r "$(go env GOMODCACHE)/github.com/traefik/traefik/v3@$TRAEFIK" "$src"; chmod -R u+w "$src"
  mkdir -p "$src/webui/static"; echo '<html></html>' >"$src/webui/static/index.html"
  (cd "$src" && GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK" \
    -o "$LAB/bin/traefik" ./cmd/traefik) >"$LAB/logs/traefik-build.log" 2>&1
fi
# --- Prometheus: Debian's binary is built without Kubernetes service discovery (its config rejects
# kubernetes_sd_configs), which is how the Operator scrapes a ServiceMonitor; the module (v0.305.0 is Prometheus
# 3.5) has replace directives too, so it is built the same way as Traefik (the API needs no web UI assets) ------------
if ! "$LAB/bin/prometheus" --version 2>/dev/null | grep -q "version 3.5.0"; then
  say "building Prometheus $PROMETHEUS"
  go mod download github.com/prometheus/prometheus@$PROMETHEUS
  src=$LAB/prometheus-src; rm -rf "$src"
  cp -r "$(go env GOMODCACHE)/github.com/prometheus/prometheus@$PROMETHEUS" "$src"; chmod -R u+w "$src"
  (cd "$src" && GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w -X github.com/prometheus/common/version.Version=3.5.0" \
    -o "$LAB/bin/prometheus" ./cmd/prometheus) >"$LAB/logs/prometheus-build.log" 2>&1
fi
say "ready: $(ls "$LAB/bin" | paste -sd ' ')"
