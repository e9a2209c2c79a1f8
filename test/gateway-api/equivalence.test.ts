/**
 * Every example that has a Gateway API form: the Istio-API and Gateway-API renderings have the same effective routing
 * table (canonical form: entries with disjoint matches may swap), and both pass every check (schema + CEL included)
 * without an error finding.
 */
import { exampleManifests } from './util';
import { exampleNames, gatewayApiExampleNames, loadExample } from '../../examples/synth-all';
import { GatewayApi } from '../../src';
import { analyze } from '../../src/check/analyze';
import { Severity } from '../../src/check/findings';
import { canonicalRoutes, effectiveRoutes } from '../../src/check/routes';

const names = gatewayApiExampleNames();

const routed = names.filter((n) => n !== '08-access-logging');

test('every seed example (01–08) has a Gateway API form', () => {
  // an example without a Gateway API form says why, and no seed example is one of them
  for (const n of exampleNames().filter((x) => !names.includes(x))) {
    expect([n, loadExample(n).istioOnly]).toEqual([n, expect.stringMatching(/\w{10,}/)]);
    expect(n).not.toMatch(/^0[1-8]/);
  }
  expect(names).toEqual([
    '01-bookinfo', '02-multi-host', '03a-coolstore-http', '03b-coolstore-https', '03c-coolstore-mtls', '03d-coolstore-sni',
    '04-team-gateway', '05-tcp-echo', '06-sni-passthrough', '07-egress', '08-access-logging',
  ]);
});

test('08-access-logging routes nothing and is the same in both forms (the Telemetry selects the installed gateway pods)', () => {
  expect(exampleManifests('08-access-logging', GatewayApi.KUBERNETES)).toEqual(exampleManifests('08-access-logging', GatewayApi.ISTIO));
});

describe.each(routed)('example %s', (name) => {
  const istio = exampleManifests(name, GatewayApi.ISTIO);
  const gapi = exampleManifests(name, GatewayApi.KUBERNETES);

  test('the Gateway API form uses only Gateway API routing objects', () => {
    expect(gapi.filter((m) => ['VirtualService'].includes(m.kind) || (m.kind === 'Gateway' && m.apiVersion !== 'gateway.networking.k8s.io/v1'))).toEqual([]);
    expect(gapi.filter((m) => m.apiVersion === 'gateway.networking.k8s.io/v1' && m.kind === 'Gateway').length).toBeGreaterThan(0);
  });

  test('both forms have the same effective routing table', () => {
    const a = canonicalRoutes(effectiveRoutes(istio));
    const b = canonicalRoutes(effectiveRoutes(gapi));
    expect(a.rows.length).toBeGreaterThan(0);
    expect(a.rows.every((r) => r.entries.length > 0)).toBe(true);
    expect(b).toEqual(a);
  });

  test('both forms pass every check (schema and CEL included) without errors', () => {
    // exampleManifests synthesizes with the synth-time checks on (an error would have thrown); the CLI's view of the
    // same YAML agrees, except that the CLI sees the IstioOperator chart (istioctl input) next to applied objects.
    for (const ms of [istio, gapi]) {
      const errors = analyze(ms).filter((f) => f.severity === Severity.ERROR && f.rule !== 'IOP-CTRL-001');
      expect(errors.map((f) => `${f.rule} ${f.message}`)).toEqual([]);
    }
    expect(analyze(gapi).some((f) => f.rule.startsWith('SCH-'))).toBe(false);
  });
});

test('the comparison is not vacuous: a changed backend makes the tables differ', () => {
  const istio = exampleManifests('03a-coolstore-http', GatewayApi.ISTIO);
  const gapi = exampleManifests('03a-coolstore-http', GatewayApi.KUBERNETES);
  const route = gapi.find((m) => m.kind === 'HTTPRoute')!;
  route.spec.rules[0].backendRefs[0].port = 8080;
  expect(canonicalRoutes(effectiveRoutes(gapi))).not.toEqual(canonicalRoutes(effectiveRoutes(istio)));
});
