/**
 * Parse speed of the loader (src/check/yaml.ts) against a plain js-yaml parse of the same ~10 MB manifest file.
 * Each parser runs in its own process (no shared heap or GC pressure), 5 runs each, the median CPU time (user +
 * system, steadier than wall time on a shared machine) is reported.
 *
 *   npx projen compile && npx ts-node --transpile-only --project test/tsconfig.json test/yaml-oracle/bench-loader.ts [MB]
 *
 * Uses the compiled loader in lib/ (what the CLI runs) when it exists, else src/ through ts-node.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

function manifest(mb: number): string {
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; size < mb * 1e6; i++) {
    const d = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: vs-${i}
  namespace: ns-${i % 50}
  labels: {app: web-${i}, tier: "frontend", version: "1.${i % 7}"}
spec:
  hosts:
  - web-${i}.example.com
  gateways: [istio-system/gw-${i % 10}]
  http:
  - match:
    - uri:
        prefix: /api/${i}
      headers:
        x-version: {exact: "v${i}"}
    route:
    - destination:
        host: web-${i}.ns-${i % 50}.svc.cluster.local
        port: {number: 8080}
      weight: 100
    timeout: 10s
    retries: {attempts: 3, perTryTimeout: 2s}
`;
    docs.push(d);
    size += d.length + 4;
  }
  return docs.join('---\n');
}

const RUN = `
const fs = require('fs');
const text = fs.readFileSync(process.argv[1], 'utf8');
const which = process.argv[2];
const parse = which === 'js-yaml'
  ? (() => { const y = require('js-yaml'); return () => y.loadAll(text); })()
  : (() => {
    // the compiled loader (lib/, what the CLI runs) when built, else the sources through ts-node
    let mod;
    if (fs.existsSync('lib/src/check/yaml.js')) mod = require('./lib/src/check/yaml');
    else { require('ts-node').register({ transpileOnly: true, project: 'test/tsconfig.json' }); mod = require('./src/check/yaml'); }
    return () => mod.loadManifests(text, 'bench.yaml');
  })();
parse(); // warm-up
const c = process.cpuUsage();
parse();
const d = process.cpuUsage(c);
process.stdout.write(String((d.user + d.system) / 1e3));
`;

function median(which: string, file: string): number {
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    times.push(Number(execFileSync(process.execPath, ['-e', RUN, file, which], { cwd: path.resolve(__dirname, '..', '..') }).toString()));
  }
  times.sort((a, b) => a - b);
  return times[2];
}

const mb = Number(process.argv[2] ?? 10);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-bench-'));
try {
  const file = path.join(dir, 'manifest.yaml');
  fs.writeFileSync(file, manifest(mb));
  const jsYaml = median('js-yaml', file);
  const ours = median('loader', file);
  // eslint-disable-next-line no-console
  console.log(`${(fs.statSync(file).size / 1e6).toFixed(1)} MB: js-yaml loadAll ${jsYaml.toFixed(0)} ms CPU, loadManifests ${ours.toFixed(0)} ms CPU, ratio ${(ours / jsYaml).toFixed(2)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
