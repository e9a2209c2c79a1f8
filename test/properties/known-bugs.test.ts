/**
 * Construct bugs found by the property tests, kept as `test.failing` so the suite stays green today and tells us
 * (by failing) once they are fixed — then turn each into a normal test and drop the generator CONSTRAINT it
 * refers to (test/properties/arbitraries.ts, build.ts, invalid.ts).
 */
import { Duration } from 'cdk8s';
import { base } from './invalid';
import { Destination, EgressGateway, EgressProtocol, GatewayWorkload, HttpMatch, HttpRoute, StringMatch } from '../../src';
import { loadManifests } from '../../src/check/yaml';
import { IstioGatewaysError } from '../../src/errors';

describe('known construct bugs', () => {
  test('a sub-millisecond timeout throws an IstioGatewaysError naming the construct', () => {
    const b = base();
    expect(() => b.gw.addHttpHost('web', {
      hosts: ['web.example.com'],
      routes: [HttpRoute.to([Destination.service('web', 80)], { timeout: Duration.millis(0.5) })],
    })).toThrow(IstioGatewaysError);
  });

  // cdk8s's serializer writes `-_0` and `0o17` unquoted and kubectl reads them as the integer 0 and 15: synth fails
  // with SYN-YAML-001 naming the construct, the field, the value and the fix (we never patch cdk8s's serializer).
  test('string values that goyaml v2 reads as integers (-_0, 0o17) fail synth with SYN-YAML-001', () => {
    const b = base();
    b.gw.addHttpHost('web', {
      hosts: ['web.example.com'],
      routes: [
        HttpRoute.to([Destination.service('web', 80)], { matches: [HttpMatch.of({ headers: { 'x-version': StringMatch.prefix('-_0') } })] }),
        HttpRoute.directResponse(200, { body: '0o17' }),
      ],
    });
    let message = '';
    try {
      b.app.synthYaml();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/SYN-YAML-001/);
    expect(message).toMatch(/spec\.http\[0\]\.match\[0\]\.headers\.x-version\.prefix.*"-_0".*kubectl reads it back as the number 0/);
    expect(message).toMatch(/spec\.http\[1\]\.directResponse\.body\.string.*"0o17".*kubectl reads it back as the number 15/);
  });

  test('strings cdk8s quotes ("true", "0777", "1e3") pass; a plain-safe look-alike ("0o") passes', () => {
    const b = base();
    b.gw.addHttpHost('web', {
      hosts: ['web.example.com'],
      routes: [
        HttpRoute.to([Destination.service('web', 80)], { matches: [HttpMatch.of({ headers: { 'x-a': StringMatch.exact('true'), 'x-b': StringMatch.exact('0777'), 'x-c': StringMatch.exact('1e3'), 'x-d': StringMatch.exact('0o') } })] }),
      ],
    });
    const text = b.app.synthYaml();
    const vs = loadManifests(text, 'app.yaml').objects.find((o) => o.kind === 'VirtualService') as { spec: { http: { match: { headers: Record<string, unknown> }[] }[] } };
    expect(vs.spec.http[0].match[0].headers).toEqual({ 'x-a': { exact: 'true' }, 'x-b': { exact: '0777' }, 'x-c': { exact: '1e3' }, 'x-d': { exact: '0o' } });
  });

  // Derived names stay readable (`tls-a-b-example-com`), so two hosts can derive the same one: that is an eager error
  // that names the fix, in either creation order, and explicit names resolve it.
  test('hosts whose derived names meet (a-b.example.com vs a.b.example.com) throw, naming the fix; explicit names work', () => {
    for (const [first, second] of [['a-b.example.com', 'a.b.example.com'], ['a.b.example.com', 'a-b.example.com']]) {
      const b = base();
      const egress = new EgressGateway(b.chart, 'egress', { workload: GatewayWorkload.istioEgressGateway(b.chart, 'egress-workload') });
      egress.addRoute('one', { host: first, port: 443, protocol: EgressProtocol.TLS });
      expect(() => egress.addRoute('two', { host: second, port: 443, protocol: EgressProtocol.TLS })).toThrow(/portName: "tls-a-b-example-com" is already used.*pass an explicit portName/);
    }
    const b = base();
    const egress = new EgressGateway(b.chart, 'egress', { workload: GatewayWorkload.istioEgressGateway(b.chart, 'egress-workload') });
    egress.addRoute('one', { host: 'a-b.example.com', port: 443, protocol: EgressProtocol.TLS });
    expect(() => egress.addRoute('two', { host: 'a.b.example.com', port: 443, protocol: EgressProtocol.TLS, portName: 'tls-a-dot-b', subsetName: 'a-dot-b' })).not.toThrow();
  });
});
