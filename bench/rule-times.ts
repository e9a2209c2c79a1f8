/**
 * Where the checker's time goes on one input: the load, the index, and every rule, each timed on the first (cold)
 * run and once more over the same index (warm). For profiling work on the rule engine; not part of `npm run bench`.
 *
 *   npx ts-node -T bench/transpile.ts && node bench/out/js/bench/rule-times.js DIR_OR_FILE... [--top N]
 *
 * (The transpiled JavaScript runs without ts-node's overhead; `node -r ts-node/register/transpile-only
 * bench/rule-times.ts DIR` works too.) Times are wall milliseconds of one process; repeat and compare medians.
 */
import { parseArgs } from 'util';
import { analyzeIndex } from '../src/check/analyze';
import { MeshIndex } from '../src/check/mesh-index';
import { KubeObject } from '../src/check/model';
import { ALL_RULES } from '../src/check/rules';
import { readInputs } from '../src/cli/inputs';

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length === 0) throw new Error('usage: rule-times DIR_OR_FILE... [--top N]');
  const t0 = performance.now();
  const inputs = readInputs(positionals, {});
  const objects: KubeObject[] = inputs.objects;
  const t1 = performance.now();
  const index = new MeshIndex(objects, { sources: inputs.sources });
  const t2 = performance.now();
  const now = new Date();
  const times = ALL_RULES.map((rule) => {
    let reports = 0;
    const start = performance.now();
    rule.check({ index, now, report: () => { reports++; } });
    return { id: rule.id, ms: performance.now() - start, reports };
  });
  const rulesMs = times.reduce((n, r) => n + r.ms, 0);
  const t3 = performance.now();
  analyzeIndex(index, { now });
  const warmMs = performance.now() - t3;
  const f0 = (x: number) => x.toFixed(0).padStart(6);
  const out = [
    `objects ${objects.length}`,
    `load   ${f0(t1 - t0)} ms`,
    `index  ${f0(t2 - t1)} ms`,
    `rules  ${f0(rulesMs)} ms (first run, ${ALL_RULES.length} rules)`,
    `warm   ${f0(warmMs)} ms (analyzeIndex again over the same index)`,
    '',
    ...times.sort((a, b) => b.ms - a.ms).slice(0, Number(values.top)).map((r) => `${r.id.padEnd(14)} ${f0(r.ms)} ms  ${r.reports} reports`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
