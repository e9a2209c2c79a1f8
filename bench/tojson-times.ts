/**
 * What `toJson()` costs per object, by kind: the tenant app's objects (our L2 constructs' L1 objects and the app's own
 * KubeServices) against the same manifests as plain cdk8s ApiObjects, each timed on a first (cold) and a second round.
 * synth serializes every object once per chart write, and the checks once more; for work on the constructs' rendering
 * and the L1 mappings. Not part of `npm run bench`.
 *
 *   npx ts-node -T bench/transpile.ts && node bench/out/js/bench/tojson-times.js [TENANTS]
 *
 * Times are wall microseconds of one process; repeat and compare medians.
 */
import { ApiObject } from 'cdk8s';
import { apiObjectsOf, buildRawApp } from './harness';
import { buildTenantApp } from './tenants';

type Times = Map<string, { ms: number; n: number }>;

function timeRound(objects: readonly ApiObject[]): Times {
  const times: Times = new Map();
  for (const o of objects) {
    const t0 = performance.now();
    o.toJson();
    const ms = performance.now() - t0;
    const t = times.get(o.kind) ?? { ms: 0, n: 0 };
    t.ms += ms;
    t.n++;
    times.set(o.kind, t);
  }
  return times;
}

function main(): void {
  const tenants = Number(process.argv[2] ?? 5000);
  const { app, charts } = buildTenantApp({ tenants, checksDisabled: true });
  // a detached copy of the manifests: the plain ApiObjects must not share objects with the tenant app
  const captured = JSON.parse(JSON.stringify({ charts: charts.map((c) => ({ id: c.node.id, objects: c.toJson() })) }));
  const raw = buildRawApp(captured).app;
  const ours = apiObjectsOf(app);
  const plain = apiObjectsOf(raw);
  const rounds = [0, 1].map(() => ({ ours: timeRound(ours), plain: timeRound(plain) }));
  const us = (t: { ms: number; n: number } | undefined) => (t ? ((1000 * t.ms) / t.n).toFixed(1).padStart(8) : '       -');
  const lines = [`${tenants} tenants, ${ours.length} objects; µs per object, round 1 (cold) / round 2`, '',
    `${'kind'.padEnd(16)}${'count'.padStart(7)}  ${'ours'.padStart(8)} ${'plain'.padStart(8)}  ${'ours'.padStart(8)} ${'plain'.padStart(8)}`];
  const kinds = [...rounds[1].ours.keys()].sort((a, b) => rounds[1].ours.get(b)!.ms - rounds[1].ours.get(a)!.ms);
  for (const k of kinds) {
    lines.push(`${k.padEnd(16)}${String(rounds[1].ours.get(k)!.n).padStart(7)}  ${us(rounds[0].ours.get(k))} ${us(rounds[0].plain.get(k))}  ${us(rounds[1].ours.get(k))} ${us(rounds[1].plain.get(k))}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
