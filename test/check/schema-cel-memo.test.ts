/**
 * CEL results memoized per rule (src/check/schema/cel.ts: CompiledRule.evaluate): by value for a scalar `self`, by
 * field presence for rules that read `self` only through has(). The memo must never change a finding: every object
 * gets the findings it gets alone, in a fresh module, whatever was evaluated before it.
 */
import * as fc from 'fast-check';
import { KubeObject } from '../../src/check/model';
import { SchemaIssue, validateManifest } from '../../src/check/schema';
import { presenceFields } from '../../src/check/schema/cel';
import { parsedCel } from '../../src/check/schema/cel-parsed';

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

const parsed = (rule: string): unknown => {
  const e = parsedCel(rule);
  expect(e).toBeDefined();
  return e;
};

describe('presence rules: self read only through has(self.f)', () => {
  test('the Istio exclusivity rules are presence rules over their two fields', () => {
    expect(presenceFields(parsed('(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1'))).toEqual(['credentialName', 'credentialNames']);
    expect(presenceFields(parsed('(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1'))).toEqual(['workloadSelector', 'endpoints']);
  });

  test('rules that read a value, a nested field or use a variable are not', () => {
    // a field's value, a size, a comprehension variable
    expect(presenceFields(parsed('((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true'))).toBeUndefined();
    expect(presenceFields(parsed('((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true'))).toBeUndefined();
    expect(presenceFields(parsed('self.all(l1, self.exists_one(l2, l1.number == l2.number))'))).toBeUndefined();
    expect(presenceFields(parsed('0 < self && self <= 65535'))).toBeUndefined();
  });
});

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
        const alone = list.map((t) => cel(tlsGateway(t), freshValidate()));
        // the shared module (its memo filled by earlier runs) in order, and a fresh one in reverse order
        expect(list.map((t) => cel(tlsGateway(t)))).toEqual(alone);
        const reverse = freshValidate();
        expect([...list].reverse().map((t) => cel(tlsGateway(t), reverse)).reverse()).toEqual(alone);
        list.forEach((t, i) => {
          const pairs = [['tlsCertificates', 'credentialNames'], ['credentialName', 'credentialNames'], ['credentialNames', 'tlsCertificates']];
          expect(alone[i]).toHaveLength(pairs.filter(([a, b]) => a in t && b in t).length);
        });
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
});
