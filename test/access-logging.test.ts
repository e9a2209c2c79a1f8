import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { AccessLogging, GatewayWorkload } from '../src';
import { IstioGatewaysError } from '../src/errors';
import { fcParams } from './util/property';

function setup() {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace: 'bookinfo' });
  const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
  return { app, chart, ingress };
}

describe('AccessLogging', () => {
  test('Telemetry in the workload namespace, selector = workload labels, provider envoy', () => {
    const { chart, ingress } = setup();
    const logs = new AccessLogging(chart, 'logs', { workload: ingress, name: 'ingress-gateway-access-logs' });
    const out = Testing.synth(chart);
    expect(out).toHaveLength(1);
    expect(out[0].apiVersion).toBe('telemetry.istio.io/v1');
    expect(out[0].kind).toBe('Telemetry');
    expect(out[0].metadata).toStrictEqual({ name: 'ingress-gateway-access-logs', namespace: 'istio-system' });
    expect(out[0].spec).toStrictEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      accessLogging: [{ providers: [{ name: 'envoy' }] }],
    });
    expect(logs.namespace).toBe('istio-system');
  });

  test('filter expression and custom provider', () => {
    const { chart, ingress } = setup();
    new AccessLogging(chart, 'logs', { workload: ingress, filter: 'response.code >= 400', provider: 'otel' });
    expect(Testing.synth(chart)[0].spec.accessLogging).toStrictEqual([{ providers: [{ name: 'otel' }], filter: { expression: 'response.code >= 400' } }]);
  });

  test('generated name', () => {
    const { chart, ingress } = setup();
    const logs = new AccessLogging(chart, 'logs', { workload: ingress });
    expect(Testing.synth(chart)[0].metadata.name).toBe(logs.name);
    expect(logs.name).toMatch(/^chart-logs-/);
  });

  test('snapshot', () => {
    const { chart, ingress } = setup();
    new AccessLogging(chart, 'logs', { workload: ingress, filter: 'response.code >= 400' });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  describe('errors', () => {
    test('missing workload', () => {
      const { chart } = setup();
      expect(() => new AccessLogging(chart, 'x', {} as never)).toThrow(/workload: access logging needs the gateway workload to log/);
    });
    test('empty filter', () => {
      const { chart, ingress } = setup();
      expect(() => new AccessLogging(chart, 'x', { workload: ingress, filter: ' ' })).toThrow(/filter: " " is an empty CEL expression; give one such as response.code >= 400, or omit filter/);
    });
    test('empty provider', () => {
      const { chart, ingress } = setup();
      expect(() => new AccessLogging(chart, 'x', { workload: ingress, provider: '' })).toThrow(/provider: "" is not a provider name; use "envoy"/);
    });
    test('invalid name', () => {
      const { chart, ingress } = setup();
      expect(() => new AccessLogging(chart, 'x', { workload: ingress, name: 'Logs' })).toThrow(/name: "Logs" is not a DNS-1123 label/);
    });
    test('workload without labels', () => {
      const { chart, ingress } = setup();
      const fake = Object.assign(Object.create(Object.getPrototypeOf(ingress)), ingress, { selector: {} });
      expect(() => new AccessLogging(chart, 'x', { workload: fake })).toThrow(/has no labels, so the Telemetry would apply to every pod of its namespace/);
    });
  });

  test('property: the selector and namespace always follow the workload', () => {
    const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(fc.property(label, label, fc.option(fc.constantFrom('response.code >= 400', 'request.url_path.startsWith("/api")'), { nil: undefined }), (istio, ns, filter) => {
      const app = Testing.app();
      const chart = new Chart(app, 'c', { namespace: 'apps' });
      const wl = GatewayWorkload.fromInstalled(chart, 'wl', { selector: { istio }, namespace: ns, ports: [{ port: 8080 }] });
      new AccessLogging(chart, 'logs', { workload: wl, filter });
      const [t] = Testing.synth(chart);
      expect(t.metadata.namespace).toBe(ns);
      expect(t.spec.selector).toStrictEqual({ matchLabels: { istio } });
      expect(t.spec.accessLogging[0].filter).toStrictEqual(filter === undefined ? undefined : { expression: filter });
    }), fcParams(30));
  });

  test('errors are IstioGatewaysError', () => {
    const { chart, ingress } = setup();
    expect(() => new AccessLogging(chart, 'x', { workload: ingress, filter: '' })).toThrow(IstioGatewaysError);
  });
});
