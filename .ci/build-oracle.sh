#!/usr/bin/env bash
# Builds the kubectl YAML oracle (tools/kubectl-yaml) used by test/check/yaml-differential.test.ts and
# test/properties/yaml-roundtrip.test.ts: a Go program over sigs.k8s.io/yaml + gopkg.in/yaml.v2, from Debian's
# packages, in GOPATH mode (no module download). Idempotent: installs only what is missing, rebuilds only when the
# source is newer than the binary. Output: tools/kubectl-yaml/bin/kubectl-yaml
set -euo pipefail
cd "$(dirname "$0")/.."

src=tools/kubectl-yaml/main.go
bin=tools/kubectl-yaml/bin/kubectl-yaml
pkgs=(golang-go golang-k8s-sigs-yaml-dev golang-gopkg-yaml.v2-dev)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -x "$bin" ] && [ "$bin" -nt "$src" ]; then
  echo "kubectl-yaml oracle up to date: $bin"
  exit 0
fi
mkdir -p "$(dirname "$bin")"
gocache="${GOCACHE:-${TMPDIR:-/tmp}/kubectl-yaml-gocache}"
(cd tools/kubectl-yaml && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$gocache" GOFLAGS= go build -o bin/kubectl-yaml .)
echo "built $bin"
