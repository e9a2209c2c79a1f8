import { Testing } from 'cdk8s';
import { build } from '../../examples/08-access-logging/main';

describe('example 08-access-logging', () => {
  const app = Testing.app();
  build(app);
  const objs = app.charts[0].toJson();

  test('one Telemetry for the ingress gateway pods, envoy provider, error filter', () => {
    expect(objs).toHaveLength(1);
    expect(objs[0]).toStrictEqual({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'ingress-gateway', namespace: 'istio-system' },
      spec: {
        selector: { matchLabels: { istio: 'ingressgateway' } },
        accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' } }],
      },
    });
  });

  test('synthesizes without error findings', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
