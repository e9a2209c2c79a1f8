#!/usr/bin/env bash
# Installs the packed library into a new cdk8s app outside the repository, the way a user does, and checks what
# they get: `cdk8s synth` of an app using the constructs, the `check` bin, and the cdk8s-cli validation plugin.
# Needs `npx projen compile` first (lib/). Only the npm registry is used. Exit 0 when every assertion holds.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "tarball-app: FAIL: $*"; exit 1; }

echo "--- npm pack"
(cd "$repo" && npm pack --silent --pack-destination "$work" >/dev/null)
tgz="$(ls "$work"/cdk8s-istio-gateways-*.tgz)"
echo "packed $(basename "$tgz") ($(du -k "$tgz" | cut -f1) KiB)"

app="$work/app"
mkdir -p "$app"
cd "$app"
npm init -y >/dev/null
# README "Use it in your app": its cdk8s.yaml and main.ts blocks, and its install commands (the package name
# replaced by the tarball), exactly as written.
section() { # the fenced block after the marker <!-- use-it:$1 -->
  awk -v m="<!-- use-it:$1 -->" '$0==m{f=1;next} f&&/^```/{if(in_){exit}in_=1;next} f&&in_{print}' "$repo/README.md"
}
section tsconfig.json > tsconfig.json
section cdk8s.yaml > cdk8s.yaml
section main.ts > main.ts
cp "$repo/test/app/plain.ts" .
[ -s cdk8s.yaml ] && [ -s main.ts ] || fail "README has no use-it:cdk8s.yaml / use-it:main.ts blocks"
installs="$(awk '/^## Use it in your app/{f=1} f&&/^npm install /{print} /^## Quick start/{exit}' "$repo/README.md")"
[ -n "$installs" ] || fail "README's Use it section has no npm install lines"

echo "--- npm install, as README says (cdk8s-istio-gateways from the tarball, the rest from the registry)"
while IFS= read -r line; do
  line="${line//npm install cdk8s-istio-gateways /npm install $tgz }"
  echo "\$ $line"
  eval "${line%%#*} --no-audit --no-fund --silent" >/dev/null
done <<< "$installs"
echo "installed: $(node -p 'require("cdk8s-istio-gateways/package.json").version') with cdk8s $(node -p 'require("cdk8s/package.json").version'), cdk8s-cli $(node -p 'require("cdk8s-cli/package.json").version')"

echo "--- require() from the installed package"
node -e 'const l = require("cdk8s-istio-gateways"); for (const k of ["IngressGateway","SecureHost","TcpRoute","SniPassthrough","EgressRoute","IstioGatewaysError"]) if (typeof l[k] !== "function") { console.error("missing export " + k); process.exit(1); }' \
  || fail "require('cdk8s-istio-gateways') does not load or lacks exports"

echo "--- cdk8s synth (library checks + validation plugin)"
npx cdk8s synth --no-check-upgrade > synth.log 2>&1 || { cat synth.log; fail "cdk8s synth failed"; }
grep -q 'kind: Gateway' dist/shop.k8s.yaml || fail "dist/shop.k8s.yaml has no Gateway"
grep -q 'credentialName: shop-credential' dist/shop.k8s.yaml || fail "the HTTPS server's credentialName is missing"
grep -q 'httpsRedirect: true' dist/shop.k8s.yaml || fail "the HTTP->HTTPS redirect server is missing"
grep -q 'kind: Certificate' dist/shop.k8s.yaml || fail "the cert-manager Certificate is missing"
grep -q 'validation-plugin.js' synth.log && grep -Eq 'Status +│ success' synth.log || { cat synth.log; fail "the validation plugin did not report"; }
echo "synth ok: $(grep -c '^kind:' dist/shop.k8s.yaml) objects"

echo "--- check bin over the synthesized output"
npx --no-install cdk8s-istio-gateways check dist/ > check.log 2>&1 || { cat check.log; fail "check over the app's output exited $?"; }
npx --no-install cdk8s-istio-gateways --version >/dev/null || fail "--version failed"

echo "--- check bin over a broken manifest: exit 1 naming the rule"
cat > broken.yaml <<'YAML'
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: broken, namespace: web }
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 443, name: https, protocol: HTTPS }
      hosts: [web.example.com]
YAML
set +e
npx --no-install cdk8s-istio-gateways check --format json broken.yaml > broken.json 2> broken.err
rc=$?
set -e
[ "$rc" = 1 ] || { cat broken.json broken.err; fail "check on a broken Gateway exited $rc, expected 1"; }
node -e 'const f = JSON.parse(require("fs").readFileSync("broken.json","utf8")).findings; if (!f.some(x => x.rule === "GW-TLS-001" && x.severity === "error")) { console.error(JSON.stringify(f)); process.exit(1); }' \
  || fail "GW-TLS-001 not reported on the HTTPS server without tls"

echo "--- validation plugin on an app that uses no construct of the library"
sed -i 's#app: npx ts-node main.ts#app: npx ts-node plain.ts#' cdk8s.yaml
set +e
npx cdk8s synth --no-check-upgrade -o dist-plain > plain.log 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || { cat plain.log; fail "cdk8s synth of a broken plain app passed the validation plugin"; }
grep -q 'GW-TLS-001' plain.log || { cat plain.log; fail "the plugin did not name GW-TLS-001"; }

echo "tarball-app: all assertions passed"
