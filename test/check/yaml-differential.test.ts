/**
 * Differential test: our loader (src/check/yaml.ts) against kubectl's real reader (tools/kubectl-yaml: apimachinery's
 * YAMLReader + sigs.k8s.io/yaml over goyaml v2), on every enumerated edge case and on random documents. The oracle
 * runs once per batch. Missing oracle: the test fails with the command that builds it (never skips).
 */
import * as fc from 'fast-check';
import { enumeratedDocuments, SCALARS } from '../yaml-oracle/corpus';
import { agrees, DELIBERATE_REFUSALS, readOurs, requireOracle, runOracle } from '../yaml-oracle/oracle';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined;

/** Random documents from YAML fragments (indentation, indicators, scalars): both readers must agree, errors included. */
function randomDocuments(count: number): string[] {
  const fragment = fc.oneof(
    fc.constantFrom(...SCALARS.filter((s) => s.length < 40)),
    fc.constantFrom(': ', ':', '- ', '-', '? ', ', ', '[', ']', '{', '}', '\n', '\n  ', '\n- ', '  ', '#c', '&a ', '*a', '!!str ', '<<: ', '"q"', '\'s\'', '|\n  ', '...', '\n---\n', '\r\n', '\t'),
  );
  const doc = fc.array(fragment, { minLength: 1, maxLength: 14 }).map((parts) => parts.join(''));
  return fc.sample(doc, { numRuns: count, ...(SEED !== undefined ? { seed: SEED } : {}) });
}

describe('the loader reads YAML exactly as kubectl does', () => {
  test('oracle present (else: run `bash .ci/build-oracle.sh`)', () => {
    expect(() => requireOracle()).not.toThrow();
  });

  test('enumerated edge cases and random documents agree with kubectl (deliberate refusals only where kubectl strict refuses)', () => {
    requireOracle();
    const docs = [...enumeratedDocuments(), ...randomDocuments(Math.max(RUNS * 20, 2000))];
    const kubectl = runOracle(docs);
    const mismatches: string[] = [];
    const refusals = new Map<string, number>();
    docs.forEach((text, i) => {
      const ours = readOurs(text);
      const r = agrees(ours, kubectl[i]);
      if (r.refusal) refusals.set(r.refusal, (refusals.get(r.refusal) ?? 0) + 1);
      if (!r.ok) mismatches.push(`${JSON.stringify(text)}\n  kubectl: ${kubectl[i].error ?? JSON.stringify(kubectl[i].docs)}\n  ours:    ${ours.error ?? JSON.stringify(ours.docs)}`);
    });
    // eslint-disable-next-line no-console
    console.log(`yaml differential: ${docs.length} documents compared with kubectl's reader; deliberate refusals: ${JSON.stringify(Object.fromEntries(refusals))}`);
    expect(docs.length).toBeGreaterThanOrEqual(5000);
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect([...refusals.keys()].every((k) => DELIBERATE_REFUSALS.some((r) => r.name === k))).toBe(true);
  });
});
