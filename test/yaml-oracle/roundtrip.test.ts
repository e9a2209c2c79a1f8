/**
 * Property: a string that cdk8s's serializer (`Yaml.stringify`) writes is read back by kubectl's real reader (the Go
 * oracle) as the same string exactly when SYN-YAML-001 stays silent for it — as a value and as a key. No false
 * errors (the rule fires only on a real difference) and no misses (every difference fires the rule).
 */
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { SCALARS, SPECIAL_CHARS } from './corpus';
import { canonical, requireOracle, runOracle } from './oracle';
import { roundTripProblem } from '../../src/check/rules/yaml-roundtrip';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined;

function strings(count: number): string[] {
  const piece = fc.oneof(
    fc.constantFrom(...SCALARS),
    fc.constantFrom(...SPECIAL_CHARS),
    fc.constantFrom('0o', '0X', '0B', '-_', '+_', '<<', '_', ':', ' ', '#', '\n', '- ', '"', '\''),
    fc.string({ maxLength: 6 }),
    fc.string({ unit: 'binary', maxLength: 4 }),
  );
  const str = fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
  return fc.sample(str, { numRuns: count, ...(SEED !== undefined ? { seed: SEED } : {}) });
}

test('cdk8s-written strings read back by kubectl exactly when SYN-YAML-001 is silent (values and keys)', () => {
  requireOracle();
  const values = [...new Set([...SCALARS, ...SPECIAL_CHARS.map((c) => `a${c}b`), ...strings(Math.max(RUNS * 10, 1000))])];
  const files = values.flatMap((s) => [Yaml.stringify({ v: s }), Yaml.stringify({ [s]: 'v' })]);
  const kubectl = runOracle(files);
  const wrong: string[] = [];
  values.forEach((s, i) => {
    for (const [key, r] of [[false, kubectl[2 * i]], [true, kubectl[2 * i + 1]]] as const) {
      const expected = canonical(key ? { [s]: 'v' } : { v: s });
      const same = r.error === undefined && r.docs!.length === 1 && r.docs![0] === expected;
      const problem = roundTripProblem(s, key);
      if (same === (problem !== undefined)) {
        wrong.push(`${JSON.stringify(s)} as a ${key ? 'key' : 'value'}: kubectl ${same ? 'reads it back' : `reads ${r.error ?? JSON.stringify(r.docs)}`}, rule: ${problem ?? 'silent'}`);
      }
    }
  });
  // eslint-disable-next-line no-console
  console.log(`yaml round trip: ${values.length} strings × (value, key) written by cdk8s and read by kubectl's reader`);
  expect(wrong.slice(0, 20)).toEqual([]);
});
