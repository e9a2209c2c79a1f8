/**
 * Keeps the benchmark harness (bench/) from rotting: runs its operations in-process at N=20 and checks their
 * shape and that the tenant app has no error findings. Never asserts timings (`npm run bench` reports those).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI_CONTEXT_FILE, captureTenants, cliCheck, parseYaml, stat, synthRaw, synthTenants } from '../bench/harness';
import { CHARTS } from '../bench/tenants';

const N = 20;
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the tenant app synthesizes with checks and 0 error findings; raw cdk8s re-synthesizes the same manifests', () => {
  const yamlDir = path.join(tmp, 'yaml');
  const { captured, result } = captureTenants(N, yamlDir);
  expect(result.errors).toBe(0);
  expect(captured.charts.map((c) => c.id)).toEqual([...CHARTS]);
  const kinds = new Map<string, number>();
  for (const o of captured.charts.flatMap((c) => c.objects)) kinds.set(String(o.kind), (kinds.get(String(o.kind)) ?? 0) + 1);
  // per tenant: 3 Services, a VirtualService, 3 DestinationRules, a Certificate; TCP every 10th, egress every 5th
  expect(kinds.get('Certificate')).toBe(N);
  expect(kinds.get('VirtualService')).toBe(N + N / 10 + 2 * (N / 5));
  expect(kinds.get('ServiceEntry')).toBe(N / 5);
  expect(kinds.get('Gateway')).toBe(2);

  const a = synthTenants(N, true, path.join(tmp, 'a'));
  expect(a.errors).toBe(0);
  expect(a.objects).toBe(result.objects);
  expect(a.detail.analyzeRuns).toBe(1);
  expect(a.detail.files).toBe(CHARTS.length);
  const b = synthTenants(N, false, path.join(tmp, 'b'));
  expect(b.objects).toBe(result.objects);
  expect(b.detail.analyzeRuns).toBe(0);

  const c = synthRaw(captured, path.join(tmp, 'c'));
  expect(c.objects).toBe(result.objects);
  // the floor writes byte-identical YAML
  for (const f of fs.readdirSync(yamlDir).filter((x) => x !== CLI_CONTEXT_FILE)) {
    expect(fs.readFileSync(path.join(tmp, 'c', f), 'utf8')).toBe(fs.readFileSync(path.join(yamlDir, f), 'utf8'));
  }

  // the CLI sees the YAML plus the installed egress gateway's Deployment and Service
  const d = cliCheck(yamlDir);
  expect(d.errors).toBe(0);
  const e = parseYaml(yamlDir);
  expect(e.objects).toBe(result.objects + 2);
});

test('stat: median, min and max', () => {
  expect(stat([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
  expect(stat([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
});
