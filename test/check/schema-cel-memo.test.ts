/**
 * CEL results memoized per rule (src/check/schema/cel.ts: CompiledRule.evaluate): by value for a scalar `self`, by
 * field presence for rules that read `self` only through has(). The memo must never change a finding: every object
 * gets the findings it gets alone, in a fresh module, whatever was evaluated before it.
 */
import { parse } from '@bufbuild/cel';
import * as fc from 'fast-check';
import { KubeObject } from '../../src/check/model';
import { SchemaIssue, validateManifest } from '../../src/check/schema';
import { jsonKey, selfReads } from '../../src/check/schema/cel-memo';
import { loadManifests } from '../../src/check/yaml';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined;

/** The schema module loaded anew (no memo, no result cache): what each object gets on its own. */
function freshValidate(): (o: KubeObject) => SchemaIssue[] {
  let fn: ((o: KubeObject) => SchemaIssue[]) | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fn = (require('../../src/check/schema') as typeof import('../../src/check/schema')).validateManifest;
  });
  return fn as (o: KubeObject) => SchemaIssue[];
}

const cel = (o: KubeObject, validate: (o: KubeObject) => SchemaIssue[] = validateManifest): SchemaIssue[] =>
  validate(o).filter((i) => i.rule === 'SCH-CEL-001');

const tlsGateway = (tls: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'public', namespace: 'istio-system' },
  spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', ...tls } }] },
});

const vsTimeout = (timeout: unknown): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: { hosts: ['shop.example.com'], http: [{ route: [{ destination: { host: 'shop' } }], timeout }] },
});

const reads = (rule: string) => {
  const r = selfReads(parse(rule).expr);
  return r && Object.fromEntries(r.fields.map((f, i) => [f, r.valueRead[i]]));
};

describe('what a rule reads of self (its results are keyed by those fields only)', () => {
  test('the Istio exclusivity rules test only the presence of two fields', () => {
    expect(reads('(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1')).toEqual({ credentialName: false, credentialNames: false });
    expect(reads('(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1')).toEqual({ workloadSelector: false, endpoints: false });
  });

  test('ServiceEntry rules read resolution, addresses and endpoints, through has(), values and comprehensions', () => {
    expect(reads('((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true')).toEqual({ resolution: true, endpoints: false });
    expect(reads('((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true'))
      .toEqual({ resolution: true, endpoints: true });
    expect(reads('!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))'))
      .toEqual({ addresses: true, resolution: true });
  });

  test('rules that use self as a whole, or a variable that is not bound, read all of it', () => {
    expect(reads('self.all(l1, self.exists_one(l2, l1.number == l2.number))')).toBeUndefined();
    expect(reads('0 < self && self <= 65535')).toBeUndefined();
    expect(reads('self.exists(k, k == other)')).toBeUndefined();
  });
});

describe('jsonKey: equal exactly for the values CEL sees as equal', () => {
  test('types, order and nesting are kept apart', () => {
    const values: unknown[] = ['', '1', 1, 1.5, true, 'true', null, 'null', [], {}, [1], ['1'], { a: 1, b: 2 }, { b: 2, a: 1 }, { a: [1] }, { a: '[1]' }, [[1], 2], [[1, 2]]];
    const keys = values.map((v) => jsonKey(v));
    expect(keys.every((k) => k !== undefined)).toBe(true);
    expect(new Set(keys).size).toBe(values.length);
    expect(jsonKey({ a: [1, 'x'] })).toBe(jsonKey({ a: [1, 'x'] }));
  });

  test('values it cannot tell apart exactly have no key', () => {
    for (const v of [-0, NaN, Infinity, undefined, [undefined], { a: undefined }, new Date(0), new Uint8Array(1), new Map(), 1n]) expect(jsonKey(v)).toBeUndefined();
    // eslint-disable-next-line no-sparse-arrays
    expect(jsonKey([1, , 2])).toBeUndefined();
    expect(jsonKey('x'.repeat(600))).toBeUndefined();
  });
});

/**
 * Each object's CEL findings, checked with the shared module (its memo filled by earlier runs) in order and with a
 * fresh module in reverse order, equal those of the object checked alone by a fresh module; returns the latter.
 */
function expectSameAsAlone(objects: readonly KubeObject[]): SchemaIssue[][] {
  const alone = objects.map((o) => cel(o, freshValidate()));
  expect(objects.map((o) => cel(o))).toEqual(alone);
  const reverse = freshValidate();
  expect([...objects].reverse().map((o) => cel(o, reverse)).reverse()).toEqual(alone);
  return alone;
}

describe('memoized results are the results of each object alone', () => {
  test('presence: every combination of credentialName, credentialNames and tlsCertificates, values varied', () => {
    const field = (name: string, value: fc.Arbitrary<unknown>) => fc.option(value.map((v) => [name, v] as const), { nil: undefined });
    const tls = fc.tuple(
      field('credentialName', fc.constantFrom('a', 'b', '')),
      field('credentialNames', fc.constantFrom(['a'], ['a', 'b'])),
      field('tlsCertificates', fc.constant([{ serverCertificate: '/c.pem', privateKey: '/k.pem' }])),
    ).map((fs) => Object.fromEntries(fs.filter((f): f is readonly [string, unknown] => f !== undefined)));
    fc.assert(
      fc.property(fc.array(tls, { minLength: 1, maxLength: 8 }), (list) => {
        const alone = expectSameAsAlone(list.map(tlsGateway));
        list.forEach((t, i) => {
          const pairs = [['tlsCertificates', 'credentialNames'], ['credentialName', 'credentialNames'], ['credentialNames', 'tlsCertificates']];
          expect(alone[i]).toHaveLength(pairs.filter(([a, b]) => a in t && b in t).length);
        });
      }),
      { numRuns: Math.max(3, Math.ceil(RUNS / 4)), ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  });

  test('ServiceEntries: resolution, endpoints, addresses and port lists in every combination', () => {
    const spec = fc.record({
      resolution: fc.option(fc.constantFrom('NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN'), { nil: undefined }),
      endpoints: fc.option(fc.constantFrom([{ address: '10.0.0.1' }], [{ address: 'a.example.com' }, { address: 'b.example.com' }]), { nil: undefined }),
      addresses: fc.option(fc.constantFrom(['10.0.0.0/24'], ['240.0.0.1']), { nil: undefined }),
      workloadSelector: fc.option(fc.constant({ labels: { app: 'db' } }), { nil: undefined }),
      ports: fc.constantFrom(
        [{ number: 443, name: 'https', protocol: 'TLS' }],
        [{ number: 443, name: 'https', protocol: 'TLS' }, { number: 443, name: 'tls', protocol: 'TLS' }],
        [{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 70000, name: 'big', protocol: 'TCP' }],
      ),
    }, { requiredKeys: ['ports'] });
    const se = (s: object): KubeObject => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { hosts: ['api.example.com'], ...Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) },
    });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 8 }), (list) => {
        expectSameAsAlone(list.map(se));
      }),
      { numRuns: Math.max(3, Math.ceil(RUNS / 4)), ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  });

  test('by value: a repeated duration gets the same finding at its own path; a number is not taken for the string', () => {
    const validate = freshValidate();
    const values: unknown[] = ['0.5ms', '10s', '0.5ms', 5, '5', '10s', 0.5, '0.5ms'];
    const got = values.map((t) => cel(vsTimeout(t), validate).map((i) => `${i.path}: ${i.message}`));
    const alone = values.map((t) => cel(vsTimeout(t), freshValidate()).map((i) => `${i.path}: ${i.message}`));
    expect(got).toEqual(alone);
    expect(got[0]).toEqual(['spec.http[0].timeout: timeout: must be a valid duration greater than 1ms']);
    expect(got[2]).toEqual(got[0]);
    expect(got[1]).toEqual([]);
  });

  test('by value: a port number after the same digits as a string (a type error, not evaluated) is still checked', () => {
    const se = (number: unknown): KubeObject => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { hosts: ['api.example.com'], ports: [{ number, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' },
    });
    const validate = freshValidate();
    const got = ['70000', 70000, 80, '80', 70000].map((n) => validate(se(n)).map((i) => `${i.rule} ${i.path}: ${i.message}`));
    const outOfRange = 'SCH-CEL-001 spec.ports[0].number: number: port must be between 1-65535';
    const aString = (n: string) => `SCH-OAS-001 spec.ports[0].number: spec.ports[0].number is the string "${n}"; it must be an integer`;
    expect(got).toEqual([[aString('70000')], [outOfRange], [], [aString('80')], [outOfRange]]);
  });

  test('a field present with an undefined value (a programmatic object) is not memoized with the absent field', () => {
    const validate = freshValidate();
    const withUndefined = tlsGateway({ credentialName: undefined, credentialNames: ['b'] });
    const without = tlsGateway({ credentialNames: ['b'] });
    const both = tlsGateway({ credentialName: 'a', credentialNames: ['b'] });
    expect([both, withUndefined, without].map((o) => cel(o, validate))).toEqual([both, withUndefined, without].map((o) => cel(o, freshValidate())));
  });

  test('a YAML alias gets the findings of a copy at each place it is used (the apiserver sees JSON, without aliases)', () => {
    const yaml = (second: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [a.example.com]
    tls: &tls {mode: SIMPLE, credentialName: a, credentialNames: [b]}
  - port: {number: 8443, name: https-2, protocol: HTTPS}
    hosts: [b.example.com]
    tls: ${second}
`;
    const aliased = loadManifests(yaml('*tls'), 'a.yaml').objects[0];
    const copied = loadManifests(yaml('{mode: SIMPLE, credentialName: a, credentialNames: [b]}'), 'c.yaml').objects[0];
    expect((aliased.spec as { servers: { tls: unknown }[] }).servers[1].tls).toBe((aliased.spec as { servers: { tls: unknown }[] }).servers[0].tls);
    expect(cel(aliased, freshValidate())).toEqual(cel(copied, freshValidate()));
    expect(cel(aliased).map((i) => i.path)).toEqual(['spec.servers[0].tls', 'spec.servers[1].tls']);
  });
});
