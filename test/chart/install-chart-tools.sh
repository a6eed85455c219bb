#!/usr/bin/env bash
# Installs what test/chart needs, into a cache that survives between runs (skipped when already there):
#   helm3, helm4   built from the Go module proxy with `go install` at pinned versions
#   a Python venv  with kubernetes-validate (PyPI, pinned in requirements.txt): offline, strict schemas per k8s version
# `npm test` does this itself (with the other suites' tools: test/tools/provision-tools.sh); this runs only the chart part.
# Usage: bash test/chart/install-chart-tools.sh   (CHART_TOOLS_DIR overrides the cache, default ~/.cache/openai-gemini-sidecar)
exec bash "$(dirname "$0")/../tools/provision-tools.sh" chart
