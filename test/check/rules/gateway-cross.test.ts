import { AnalyzeOptions } from '../../../src/check/analyze';
import { Severity } from '../../../src/check/findings';
import { KubeObject } from '../../../src/check/model';
import { GATEWAY_CROSS_RULES } from '../../../src/check/rules/gateway-cross';
import {
  at, brief, check, deployment, gateway, injectedGateway, istioOperator, only, server, service, serviceEntry, vs,
} from '../fixtures';

interface Case {
  readonly rule: string;
  readonly title: string;
  readonly bad: KubeObject[];
  /** expected `Kind/name path` of every finding of the rule */
  readonly expect: string[];
  readonly good: KubeObject[];
  readonly options?: AnalyzeOptions;
  readonly message?: RegExp;
}

const simple = (cred: string) => ({ tls: { mode: 'SIMPLE', credentialName: cred } });
const unprivileged443 = [
  deployment('gw', { labels: { istio: 'custom' }, env: { ISTIO_META_UNPRIVILEGED_POD: 'true' } }, { namespace: 'edge' }),
  service('gw', { selector: { istio: 'custom' }, type: 'LoadBalancer', ports: [{ port: 443, name: 'https' }] }, { namespace: 'edge' }),
];
const tcpGateway = injectedGateway('tcp-gw', 'edge', { istio: 'tcp' }, [{ port: 31400, name: 'tcp' }, { port: 80, name: 'http' }]);

const cases: Case[] = [
  {
    rule: 'GWX-SEL-001',
    title: 'selector matching no pod',
    bad: [gateway('gw', { selector: { istio: 'my-gateway' }, servers: [server(80, 'HTTP', ['a.example.com'])] })],
    expect: ['Gateway/gw spec.selector'],
    message: /selector \{istio: my-gateway\} \(istio=my-gateway\) matches no pod or pod template of the input \(known gateway workloads: istio=ingressgateway in istio-system, istio=egressgateway in istio-system\)/,
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] })],
  },
  {
    rule: 'GWX-SEL-002',
    title: 'second IOP gateway without a distinct label',
    bad: [
      istioOperator('gateways', { profile: 'empty', components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }, { name: 'my-gw', enabled: true }] } }),
      gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] }),
      service('lb', { selector: { app: 'istio-ingressgateway' }, ports: [{ port: 80 }] }, { namespace: 'istio-system' }),
    ],
    expect: ['Gateway/gw spec.selector', 'Service/lb spec.selector'],
    good: [
      istioOperator('gateways', { profile: 'empty', components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }, { name: 'my-gw', enabled: true, label: { istio: 'my-gateway' } }] } }),
      gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] }),
      service('lb', { selector: { istio: 'my-gateway' }, ports: [{ port: 80 }] }, { namespace: 'istio-system' }),
    ],
  },
  {
    rule: 'GWX-SEL-003',
    title: 'scoped gateway outside the pods namespace',
    options: { meshConfig: { pilotEnv: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } } },
    bad: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] }, { namespace: 'bookinfo' })],
    expect: ['Gateway/gw metadata.namespace'],
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] })],
  },
  {
    rule: 'GWX-PORT-001',
    title: 'port 7070 on the default ingress',
    bad: [gateway('gw', { servers: [server(7070, 'HTTP', ['a.example.com'])] })],
    expect: ['Gateway/gw spec.servers[0].port.number'],
    message: /^port 7070 is not exposed by any Service selecting the gateway pods \(istio-system\/istio-ingressgateway exposes 15021, 80, 443, 31400, 15443\)$/,
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com']), server(8443, 'HTTPS', ['b.example.com'], simple('b'))] })],
  },
  {
    rule: 'GWX-PORT-002',
    title: 'listener 443 on an unprivileged pod',
    bad: [...unprivileged443, gateway('gw', { selector: { istio: 'custom' }, servers: [server(443, 'HTTPS', ['a.example.com'], simple('a'))] }, { namespace: 'edge' })],
    expect: ['Gateway/gw spec.servers[0].port.number'],
    message: /port 443 makes Envoy listen on 443 .*cannot bind below 1024/,
    good: [gateway('gw', { servers: [server(443, 'HTTPS', ['a.example.com'], simple('a'))] })],
  },
  {
    rule: 'GWX-PORT-003',
    title: 'ports 80 and 8080 share listener 8080',
    bad: [
      gateway('gw1', { servers: [server(80, 'HTTP', ['a.example.com'])] }, { creationTimestamp: at(1) }),
      gateway('gw2', { servers: [server(8080, 'HTTP', ['b.example.com'])] }, { creationTimestamp: at(2) }),
    ],
    expect: ['Gateway/gw2 spec.servers[0].port.number'],
    good: [gateway('gw1', { servers: [server(80, 'HTTP', ['a.example.com']), server(443, 'HTTPS', ['a.example.com'], simple('a'))] })],
  },
  {
    rule: 'GWX-PORT-004',
    title: 'two TCP servers on 31400',
    bad: [
      ...tcpGateway,
      gateway('gw1', { selector: { istio: 'tcp' }, servers: [server(31400, 'TCP', ['*'])] }, { namespace: 'edge', creationTimestamp: at(1) }),
      gateway('gw2', { selector: { istio: 'tcp' }, servers: [server(31400, 'TCP', ['*'])] }, { namespace: 'edge', creationTimestamp: at(2) }),
    ],
    expect: ['Gateway/gw2 spec.servers[0]'],
    message: /server on port 31400 \(TCP\) is skipped by istiod: the listener is held by the older plaintext TCP server \(gateway edge\/gw1 spec.servers\[0\]\)/,
    good: [
      ...tcpGateway,
      gateway('gw1', { selector: { istio: 'tcp' }, servers: [server(80, 'HTTP', ['a.example.com'])] }, { namespace: 'edge' }),
      gateway('gw2', { selector: { istio: 'tcp' }, servers: [server(80, 'HTTP', ['b.example.com'])] }, { namespace: 'edge' }),
    ],
  },
  {
    rule: 'GWX-DUP-001',
    title: 'a.com:443 with tls in two gateways (IST0145 on both, per server)',
    bad: [
      gateway('gw1', { servers: [server(443, 'HTTPS', ['a.example.com'], simple('a'))] }, { creationTimestamp: at(5) }),
      gateway('gw2', { servers: [server(443, 'HTTPS', ['a.example.com'], simple('a2'))] }, { creationTimestamp: at(1) }),
    ],
    expect: ['Gateway/gw1 spec.servers[0]', 'Gateway/gw2 spec.servers[0]'],
    message: /declares host "a.example.com" that istio-system\/gw[12] also declares for the same workload selector and port; with tls, istiod keeps the older server and drops the newer/,
    good: [
      gateway('gw1', { servers: [server(443, 'HTTPS', ['a.example.com'], simple('a'))] }),
      gateway('gw2', { servers: [server(443, 'HTTPS', ['b.example.com'], simple('b'))] }),
    ],
  },
  {
    rule: 'GWX-DUP-002',
    title: '"*" and wildcard overlap on plain HTTP',
    bad: [
      gateway('gw1', { servers: [server(80, 'HTTP', ['*.example.com'])] }, { creationTimestamp: at(1) }),
      gateway('gw2', { servers: [server(80, 'HTTP', ['a.example.com', 'other.org'])] }, { creationTimestamp: at(2) }),
    ],
    expect: ['Gateway/gw2 spec.servers[0].hosts[0]'],
    good: [
      gateway('gw1', { servers: [server(80, 'HTTP', ['a.example.com'])] }),
      gateway('gw2', { servers: [server(80, 'HTTP', ['b.example.com'])] }),
    ],
  },
  {
    rule: 'GWX-CERT-001',
    title: 'one credentialName on two gateways',
    bad: [
      gateway('gw1', { servers: [server(443, 'HTTPS', ['a.example.com'], simple('wildcard'))] }),
      gateway('gw2', { servers: [server(443, 'HTTPS', ['b.example.com'], simple('wildcard'))] }),
    ],
    // equal selectors contain each other: both Gateways are reported (istioctl)
    expect: ['Gateway/gw1 spec.servers[0].tls.credentialName', 'Gateway/gw2 spec.servers[0].tls.credentialName'],
    good: [
      gateway('gw1', { servers: [server(443, 'HTTPS', ['a.example.com'], simple('a'))] }),
      gateway('gw2', { servers: [server(443, 'HTTPS', ['b.example.com'], simple('b'))] }),
    ],
  },
  {
    rule: 'GWX-CERT-002',
    title: 'SIMPLE *.x.com beside MUTUAL admin.x.com',
    bad: [
      gateway('guest', { servers: [server(443, 'HTTPS', ['*.x.com'], simple('wild'))] }),
      gateway('admin', { servers: [server(443, 'HTTPS', ['admin.x.com'], { tls: { mode: 'MUTUAL', credentialName: 'admin' } })] }),
    ],
    expect: ['Gateway/guest spec.servers[0].hosts[0]'],
    good: [
      gateway('guest', { servers: [server(443, 'HTTPS', ['*.x.com'], simple('wild'))] }),
      gateway('admin', { servers: [server(443, 'HTTPS', ['admin.x.com'], { tls: { mode: 'MUTUAL', credentialName: 'admin' } })] }),
      vs('guard', ['admin.x.com'], { gateways: ['istio-system/guest'], http: [{ directResponse: { status: 421 } }] }),
    ],
  },
  {
    rule: 'GWX-SVC-001',
    title: 'public host on the egress gateway; ClusterIP-only ingress',
    bad: [
      gateway('gw', { selector: { istio: 'egressgateway' }, servers: [server(80, 'HTTP', ['shop.example.com'])] }),
      ...injectedGateway('internal', 'edge', { istio: 'ingressgateway-internal' }, undefined, 'ClusterIP'),
      gateway('gw2', { selector: { istio: 'ingressgateway-internal' }, servers: [server(80, 'HTTP', ['b.example.com'])] }, { namespace: 'edge' }),
      ...injectedGateway('istio-egressgateway', 'istio-system', { istio: 'egressgateway' }, undefined, 'ClusterIP'),
    ],
    expect: ['Gateway/gw spec.selector', 'Gateway/gw2 spec.selector'],
    good: [
      gateway('gw', { selector: { istio: 'egressgateway' }, servers: [server(80, 'HTTP', ['edition.cnn.com'])] }),
      serviceEntry('cnn', { hosts: ['edition.cnn.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' }),
    ],
  },
  {
    rule: 'GWX-VS-001',
    title: 'server without a VirtualService',
    bad: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com']), server(443, 'TLS', ['p.example.com'], { tls: { mode: 'PASSTHROUGH' } })] })],
    expect: ['Gateway/gw spec.servers[0]', 'Gateway/gw spec.servers[1]'],
    good: [
      gateway('gw', { servers: [server(80, 'HTTP', ['*.example.com']), server(8080, 'HTTP', ['r.example.com'], { tls: { httpsRedirect: true } })] }),
      vs('web', ['a.example.com'], { gateways: ['istio-system/gw'] }),
    ],
  },
  {
    rule: 'GWX-REDIR-001',
    title: 'redirect without an HTTPS server',
    bad: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'], { tls: { httpsRedirect: true } })] })],
    expect: ['Gateway/gw spec.servers[0].hosts[0]'],
    good: [
      gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'], { tls: { httpsRedirect: true } })] }),
      gateway('tls', { servers: [server(443, 'HTTPS', ['*.example.com'], simple('a'))] }),
    ],
  },
];

describe('GWX-* rules', () => {
  test('every GWX rule has a case', () => {
    expect(GATEWAY_CROSS_RULES.map((r) => r.id).sort()).toEqual(Array.from(new Set(cases.map((c) => c.rule))).sort());
  });

  test.each(cases)('$rule flags $title', (c) => {
    const rule = GATEWAY_CROSS_RULES.find((r) => r.id === c.rule)!;
    const f = only(check(c.bad, c.options), c.rule);
    expect(brief(f).map((x) => `${x.kind}/${x.name} ${x.path}`).sort()).toEqual([...c.expect].sort());
    for (const x of f) {
      expect(x.code).toBe(rule.code);
      expect(x.severity).toBe(rule.severity);
      expect(x.message).toMatch(/^[a-z"]/);
      if (c.message) expect(x.message).toMatch(c.message);
    }
  });

  test.each(cases)('$rule accepts the clean variant of $title', (c) => {
    expect(brief(only(check(c.good, c.options), c.rule))).toEqual([]);
  });

  test('codes and severities follow the spec', () => {
    const by = Object.fromEntries(GATEWAY_CROSS_RULES.map((r) => [r.id, `${r.code ?? ''} ${r.severity}`]));
    expect(by['GWX-DUP-001']).toBe('IST0145 error');
    expect(by['GWX-DUP-002']).toBe(' warning');
    expect(by['GWX-PORT-001']).toBe('IST0162 error');
    expect(by['GWX-SEL-001']).toBe('IST0101 error');
    expect(by['GWX-CERT-001']).toBe('IST0138 warning');
  });

  test('GWX-SEL-001: any pod with the labels satisfies IST0101 (custom-labelled gateway); pods that do not look like gateways get an uncoded warning', () => {
    const custom = deployment('private-ingress', { labels: { myapp: 'private-ingress' }, image: 'auto', podAnnotations: { 'inject.istio.io/templates': 'gateway' } }, { namespace: 'edge' });
    const gw = gateway('private', { selector: { myapp: 'private-ingress' }, servers: [server(80, 'HTTP', ['a.example.com'])] }, { namespace: 'edge' });
    expect(only(check([custom, gw], { assumeInstall: 'none' }), 'GWX-SEL-001')).toEqual([]);
    const app = deployment('web', { labels: { myapp: 'private-ingress' } }, { namespace: 'edge' });
    const f = only(check([app, gw], { assumeInstall: 'none' }), 'GWX-SEL-001');
    expect(f.map((x) => [x.code, x.severity])).toEqual([[undefined, Severity.WARNING]]);
    // closed world: Pods only, namespace irrelevant; a Deployment is not a Pod
    expect(only(check([custom, gw], { closedWorld: true }), 'GWX-SEL-001').map((x) => x.code)).toEqual(['IST0101']);
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'elsewhere', labels: { myapp: 'private-ingress' } }, spec: {} };
    expect(only(check([pod, gw], { closedWorld: true }), 'GWX-SEL-001')).toEqual([]);
  });

  test('GWX-CERT-001 (IST0138): reported on the Gateway whose selector is contained in the other\'s; any tls mode; pods not consulted', () => {
    const narrow = gateway('narrow', { selector: { istio: 'ingressgateway' }, servers: [server(443, 'TLS', ['a.example.com'], { tls: { mode: 'PASSTHROUGH', credentialName: 'shared' } })] });
    const wide = gateway('wide', { selector: { istio: 'ingressgateway', zone: 'a' }, servers: [server(443, 'HTTPS', ['b.example.com'], simple('shared'))] });
    expect(only(check([narrow, wide]), 'GWX-CERT-001').map((x) => x.resource.name)).toEqual(['narrow']);
  });

  test('GWX-CERT-001 (IST0138) multiplicity: one finding per (G, X) pair in the closed world, as istioctl; one per G with a list in the open world', () => {
    const narrow = gateway('narrow', { selector: { istio: 'ingressgateway' }, servers: [server(443, 'HTTPS', ['a.example.com'], simple('shared'))] });
    const x1 = gateway('x1', { selector: { istio: 'ingressgateway', zone: 'a' }, servers: [server(443, 'HTTPS', ['b.example.com'], simple('shared'))] });
    const x2 = gateway('x2', { selector: { istio: 'ingressgateway', zone: 'b' }, servers: [server(443, 'HTTPS', ['c.example.com'], simple('shared'))] });
    const closed = only(check([narrow, x1, x2], { closedWorld: true }), 'GWX-CERT-001');
    expect(closed.map((x) => [x.resource.name, x.code, /gateway (\S+)/.exec(x.message)![1]])).toEqual([['narrow', 'IST0138', 'istio-system/x1,'], ['narrow', 'IST0138', 'istio-system/x2,']]);
    const open = only(check([narrow, x1, x2]), 'GWX-CERT-001');
    expect(open.map((x) => x.resource.name)).toEqual(['narrow']);
    expect(open[0].message).toMatch(/x1.*x2/);
  });

  test('GWX-PORT-004: a plaintext newcomer on a TLS-held listener is skipped too', () => {
    const f = only(check([
      gateway('a', { servers: [server(443, 'HTTPS', ['a.example.com'], simple('a'))] }, { creationTimestamp: at(1) }),
      gateway('b', { servers: [server(443, 'HTTP', ['b.example.com'])] }, { creationTimestamp: at(2) }),
    ]), 'GWX-PORT-004');
    expect(brief(f).map((x) => x.name)).toEqual(['b']);
  });

  test('GWX-DUP-001 counts an httpsRedirect-only tls block and resolves ports before comparing', () => {
    // 443 and 8443 both land on listener 8443 of the default ingress
    const f = only(check([
      gateway('a', { servers: [server(443, 'HTTPS', ['a.example.com'], simple('a'))] }, { creationTimestamp: at(1) }),
      gateway('b', { servers: [server(8443, 'HTTPS', ['a.example.com'], simple('a'))] }, { creationTimestamp: at(2) }),
    ]), 'GWX-DUP-001');
    // knowledge beyond istioctl (ports 443 and 8443 differ as written): reported without the IST code
    expect(brief(f).map((x) => [x.name, x.code])).toEqual([['b', undefined]]);
  });

  test('GWX-PORT-001 with no Service at all names the missing Service', () => {
    const f = only(check([
      deployment('gw', { labels: { istio: 'lonely' } }, { namespace: 'edge' }),
      gateway('gw', { selector: { istio: 'lonely' }, servers: [server(80, 'HTTP', ['a.example.com'])] }, { namespace: 'edge' }),
    ]), 'GWX-PORT-001');
    expect(f.map((x) => x.message)).toEqual(['port 80 is not exposed by any Service selecting the gateway pods (edge/gw has no Service)']);
  });

  test('conflict rules on 2000 gateways sharing one listener report each newer duplicate (speed lives in bench/)', () => {
    const gws: KubeObject[] = [];
    for (let i = 0; i < 2000; i++) {
      gws.push(gateway(`g${i}`, { servers: [server(80, 'HTTP', [`h${i}.example.com`, '*']), server(443, 'HTTPS', [`h${i}.example.com`], simple(`c${i % 7}`))] }));
    }
    const f = check(gws);
    expect(only(f, 'GWX-DUP-002').length).toBe(1999 * 2);
    expect(only(f, 'GWX-DUP-002').some((x) => x.resource.name === 'g0')).toBe(false);
    // istioctl: the "*" host on port 80 of every Gateway conflicts with all the others, one message per server, with
    // a bounded list of the other Gateways
    const dup = only(f, 'GWX-DUP-001');
    expect(dup.length).toBe(2000);
    expect(dup.every((x) => x.path === 'spec.servers[0]' && x.severity === Severity.WARNING && x.code === 'IST0145')).toBe(true);
    expect(dup[0].message).toMatch(/istio-system\/g10 and 1989 more also declare/);
  });

  test('GWX-SVC-001: an egress gateway that the mesh routes to (egress pattern) is not an ingress misuse, even without a ServiceEntry', () => {
    const egressGw = gateway('egress', { selector: { istio: 'egressgateway' }, servers: [server(443, 'TLS', ['edition.cnn.com'], { tls: { mode: 'PASSTHROUGH' } })] }, { namespace: 'default' });
    const meshLeg = vs('cnn', ['edition.cnn.com'], { gateways: ['mesh'], http: undefined, tls: [{ match: [{ port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 443 } } }] }] });
    expect(only(check([egressGw, meshLeg]), 'GWX-SVC-001')).toEqual([]);
    expect(brief(only(check([egressGw]), 'GWX-SVC-001')).map((x) => x.name)).toEqual(['egress']);
  });

  test('the assumed demo install exposes 31400 and 15443 on the ingress gateway (profile default does not)', () => {
    const tcp = gateway('tcp', { servers: [server(31400, 'TCP', ['*'])] });
    expect(only(check([tcp]), 'GWX-PORT-001')).toEqual([]);
    expect(brief(only(check([tcp], { assumeInstall: 'default' }), 'GWX-PORT-001')).map((x) => x.path)).toEqual(['spec.servers[0].port.number']);
  });

  test('GWX-SEL-002: an IstioOperator component and its rendered Deployment (same name+ns) are one workload', () => {
    const iop = istioOperator('ingress', { profile: 'empty', components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }] } });
    const gw = gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] });
    const dep = deployment('istio-ingressgateway', {
      labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' }, image: 'docker.io/istio/proxyv2:1.24.0', env: { ISTIO_META_UNPRIVILEGED_POD: 'true' },
    }, { namespace: 'istio-system' });
    expect(only(check([iop, gw, dep]), 'GWX-SEL-002')).toEqual([]);
    // the same Deployment as context (installed elsewhere) is deduplicated too
    expect(only(check([iop, gw], { context: [dep] }), 'GWX-SEL-002')).toEqual([]);
    // the implied Service of the component still translates ports (80 → 8080) when no Service manifest exists
    expect(only(check([iop, gw, dep]), 'GWX-PORT-001')).toEqual([]);
    // a Deployment of another name is a second workload
    const other = deployment('edge', { labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } }, { namespace: 'istio-system' });
    expect(brief(only(check([iop, gw, dep, other]), 'GWX-SEL-002'))).toEqual([{ rule: 'GWX-SEL-002', kind: 'Gateway', name: 'gw', path: 'spec.selector' }]);
  });
});
