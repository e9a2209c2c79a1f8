/**
 * The generated L1 mappings (imports/) after the `import` task's post-processing (.projenrc.ts, linearL1Copies):
 * each `Object.entries(x).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: f(i[1]) }), {})` that
 * `cdk8s import` writes became `definedEntries(x, f)`. These properties check that the result is the one of the
 * spread form, compared entry by entry in order: the keys (integer-like keys, `__proto__`, `constructor` included),
 * the values, which entries are dropped, and the prototype of the result.
 */
import * as fc from 'fast-check';
import {
  toJson_DestinationRuleSpec, toJson_DestinationRuleSpecSubsets, toJson_VirtualServiceSpecHttpMatch,
  toJson_VirtualServiceSpecHttpMatchHeaders,
} from '../imports/networking.istio.io';
import { fcParams } from './util/property';

type Entries = [string, unknown][];

/** The copy as `cdk8s import` generates it. */
function spreadCopy(o: object, f: (v: unknown) => unknown = (v) => v): { [key: string]: unknown } {
  return Object.entries(o).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: f(i[1]) }), {});
}

/** An object with exactly these own entries (`Object.fromEntries` defines `__proto__` as an own key, as a literal's computed key does). */
const objectOf = (entries: Entries): { [key: string]: unknown } => Object.fromEntries(entries);

const key = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '0', '1', '10', '-1', '01', 'version', 'app.kubernetes.io/name'),
);

function expectSameCopy(actual: unknown, expected: { [key: string]: unknown }): void {
  expect(actual).toBeDefined();
  expect(Object.getPrototypeOf(actual)).toBe(Object.prototype);
  expect(Object.entries(actual as object)).toStrictEqual(Object.entries(expected));
}

describe('L1 mappings after the import task (definedEntries)', () => {
  test('a string map (subset labels) is copied as the spread form copies it', () => {
    fc.assert(fc.property(fc.array(fc.tuple(key, fc.option(fc.string({ maxLength: 6 }), { nil: undefined })), { maxLength: 12 }), (entries) => {
      const labels = objectOf(entries) as { [key: string]: string };
      const out = toJson_DestinationRuleSpecSubsets({ name: 'v1', labels });
      expectSameCopy(out!.labels, spreadCopy(labels));
    }), fcParams(300));
  });

  test('a map of typed values (match headers) maps each defined value, as the spread form does', () => {
    const value = fc.option(fc.record({ exact: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }), prefix: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }) }), { nil: undefined });
    fc.assert(fc.property(fc.array(fc.tuple(key, value), { maxLength: 10 }), (entries) => {
      const headers = objectOf(entries) as { [key: string]: { exact?: string; prefix?: string } };
      const out = toJson_VirtualServiceSpecHttpMatch({ headers });
      expectSameCopy(out!.headers, spreadCopy(headers, (v) => toJson_VirtualServiceSpecHttpMatchHeaders(v as { exact?: string })));
    }), fcParams(300));
  });

  test('an object of a type keeps its defined fields in the generated order and drops the undefined ones', () => {
    expect(Object.entries(toJson_DestinationRuleSpec({
      workloadSelector: undefined,
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
      host: 'api.shop.svc.cluster.local',
      exportTo: ['.'],
    })!)).toStrictEqual([
      ['exportTo', ['.']],
      ['host', 'api.shop.svc.cluster.local'],
      ['subsets', [{ labels: { version: 'v1' }, name: 'v1' }]],
    ]);
    expect(toJson_VirtualServiceSpecHttpMatchHeaders({})).toStrictEqual({});
  });
});
