import { KubeObject } from '../../../src/check/model';
import { GATEWAY_RULES } from '../../../src/check/rules/gateway';
import { brief, check, gateway, injectedGateway, only, server } from '../fixtures';

interface Case {
  readonly rule: string;
  readonly bad: KubeObject[];
  /** expected paths of the findings on the Gateway named `gw` (or `name`) */
  readonly paths: string[];
  readonly good: KubeObject[];
  readonly name?: string;
  readonly message?: RegExp;
}

const tls = (t: Record<string, unknown>) => ({ tls: t });
const https = (t: Record<string, unknown>, hosts = ['a.example.com']) => server(443, 'HTTPS', hosts, tls(t));

const cases: Case[] = [
  {
    rule: 'GW-NAME-001',
    bad: [gateway('bookinfo.gw', { servers: [server(80, 'HTTP', ['a.example.com'])] })],
    name: 'bookinfo.gw',
    paths: ['metadata.name'],
    message: /"bookinfo.gw" is not a DNS-1123 label/,
    good: [gateway('bookinfo-gw', { servers: [server(80, 'HTTP', ['a.example.com'])] })],
  },
  {
    rule: 'GW-SRV-001',
    bad: [gateway('gw', { servers: [] })],
    paths: ['spec.servers'],
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] })],
  },
  {
    rule: 'GW-PORT-001',
    bad: [gateway('gw', { servers: [{ port: { number: 0, protocol: 'HTTP' }, hosts: ['a.example.com'] }, { hosts: ['b.example.com'] }] })],
    paths: ['spec.servers[0].port.number', 'spec.servers[0].port.name', 'spec.servers[1].port'],
    message: /port.number 0 is not a port in 1–65535|port.name is missing|port is missing/,
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] })],
  },
  {
    rule: 'GW-PORT-002',
    bad: [gateway('gw', {
      servers: [
        { port: { number: 443, protocol: 'HTTPS', name: 'https' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a' } },
        { port: { number: 443, protocol: 'HTTPS', name: 'https' }, hosts: ['b.example.com'], tls: { mode: 'SIMPLE', credentialName: 'b' } },
      ],
    })],
    paths: ['spec.servers[1].port.name'],
    message: /"https" is already used by spec.servers\[0\]/,
    good: [gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialName: 'a' }), server(443, 'HTTPS', ['b.example.com'], { port: { number: 443, protocol: 'HTTPS', name: 'https-b' }, tls: { mode: 'SIMPLE', credentialName: 'b' } })] })],
  },
  {
    rule: 'GW-PORT-003',
    bad: [gateway('gw', { servers: [server(80, 'HTTP3', ['a.example.com'])] })],
    paths: ['spec.servers[0].port.protocol'],
    message: /"HTTP3" is not a gateway protocol/,
    good: [gateway('gw', { servers: [server(80, 'http', ['a.example.com']), server(8080, 'grpc-web', ['b.example.com'])] })],
  },
  {
    rule: 'GW-PORT-004',
    bad: [gateway('gw', { servers: [{ port: { number: 80, protocol: 'HTTP', name: 'http', targetPort: 8080 }, hosts: ['a.example.com'] }] })],
    paths: ['spec.servers[0].port.targetPort'],
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] })],
  },
  {
    rule: 'GW-HOST-001',
    bad: [gateway('gw', { servers: [server(80, 'HTTP', ['bookinfo', 'foo*.com', 'Bad_NS/a.example.com']), server(81, 'HTTP', [])] })],
    paths: ['spec.servers[0].hosts[0]', 'spec.servers[0].hosts[1]', 'spec.servers[0].hosts[2]', 'spec.servers[1].hosts'],
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com', '*.example.com', '*', './b.example.com', 'bookinfo/c.example.com', '10.0.0.1'])] })],
  },
  {
    rule: 'GW-BIND-001',
    bad: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'], { bind: 'localhost' }), server(81, 'HTTP', ['a.example.com'], { bind: 'unix:///var/run/gw.sock' })] })],
    paths: ['spec.servers[0].bind', 'spec.servers[1].port.number'],
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'], { bind: '0.0.0.0' }), { port: { number: 0, protocol: 'HTTP', name: 'uds' }, hosts: ['a.example.com'], bind: 'unix:///var/run/gw.sock' }] })],
  },
  {
    rule: 'GW-TLS-001',
    bad: [gateway('gw', { servers: [server(443, 'HTTPS', ['a.example.com'])] })],
    paths: ['spec.servers[0].tls'],
    good: [gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialName: 'a' })] })],
  },
  {
    rule: 'GW-TLS-002',
    bad: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'], tls({ mode: 'SIMPLE', credentialName: 'a' })), server(31400, 'TCP', ['a.example.com'], tls({ httpsRedirect: true }))] })],
    paths: ['spec.servers[0].tls.credentialName', 'spec.servers[1].tls'],
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'], tls({ httpsRedirect: true }))] })],
  },
  {
    rule: 'GW-TLS-003',
    bad: [gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialName: 'a', httpsRedirect: true })] })],
    paths: ['spec.servers[0].tls.httpsRedirect'],
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'], tls({ httpsRedirect: true }))] })],
  },
  {
    rule: 'GW-TLS-004',
    bad: [gateway('gw', { servers: [https({ credentialName: 'a' }), server(8443, 'TLS', ['b.example.com'], tls({ credentialName: 'b' }))] })],
    paths: ['spec.servers[0].tls', 'spec.servers[1].tls'],
    message: /tls.mode is not set, so it is PASSTHROUGH and tls.credentialName is ignored/,
    good: [gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialName: 'a' }), server(15443, 'TLS', ['b.example.com'], tls({}))] })],
  },
  {
    rule: 'GW-TLS-005',
    bad: [gateway('gw', { servers: [https({ mode: 'ISTIO_MUTUAL', credentialName: 'a' })] })],
    paths: ['spec.servers[0].tls.credentialName'],
    good: [gateway('gw', { servers: [https({ mode: 'ISTIO_MUTUAL' })] })],
  },
  {
    rule: 'GW-TLS-006',
    bad: [gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialName: 'a', tlsCertificates: [{ serverCertificate: '/c', privateKey: '/k' }] })] })],
    paths: ['spec.servers[0].tls'],
    message: /2 certificate sources \(credentialName, tlsCertificates\)/,
    good: [gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialNames: ['rsa', 'ecdsa'] })] })],
  },
  {
    rule: 'GW-TLS-007',
    bad: [gateway('gw', { servers: [https({ mode: 'MUTUAL', serverCertificate: '/etc/c.pem', privateKey: '/etc/k.pem' }), https({ mode: 'SIMPLE' }, ['b.example.com'])] })],
    paths: ['spec.servers[0].tls', 'spec.servers[1].tls'],
    message: /needs tls.caCertificates|needs tls.serverCertificate, tls.privateKey/,
    good: [gateway('gw', { servers: [https({ mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k', caCertificates: '/ca' }), https({ mode: 'MUTUAL', credentialName: 'b' }, ['b.example.com'])] })],
  },
  {
    rule: 'GW-TLS-008',
    bad: [gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialNames: ['a', 'b', 'c'] })] })],
    paths: ['spec.servers[0].tls.credentialNames'],
    good: [gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialNames: ['a', 'b'] })] })],
  },
  {
    rule: 'GW-TLS-009',
    bad: [gateway('gw', { servers: [https({ mode: 'MUTUAL', credentialName: 'a', caCrl: '/crl' }), https({ mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k', caCrl: '/crl' }, ['b.example.com'])] })],
    paths: ['spec.servers[0].tls.caCrl', 'spec.servers[1].tls.caCrl'],
    good: [gateway('gw', { servers: [https({ mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k', caCertificates: '/ca', caCrl: '/crl' })] })],
  },
  {
    rule: 'GW-TLS-010',
    bad: [gateway('gw', { servers: [server(443, 'TLS', ['a.example.com'], tls({ mode: 'PASSTHROUGH', credentialName: 'a' }))] })],
    paths: ['spec.servers[0].tls.credentialName'],
    good: [gateway('gw', { servers: [server(443, 'TLS', ['a.example.com'], tls({ mode: 'PASSTHROUGH' }))] })],
  },
  {
    rule: 'GW-TLS-011',
    bad: [gateway('gw', { servers: [https({ mode: 'SIMPLE', credentialName: 'a', minProtocolVersion: 'TLSV1_1', subjectAltNames: ['x'] }), https({ mode: 'SIMPLE', credentialName: 'b', cipherSuites: ['ECDHE-RSA-AES128-GCM-SHA256', 'RC4-MD5', 'ECDHE-RSA-AES128-GCM-SHA256'] }, ['b.example.com'])] })],
    paths: ['spec.servers[0].tls.minProtocolVersion', 'spec.servers[0].tls.subjectAltNames', 'spec.servers[1].tls.cipherSuites[1]', 'spec.servers[1].tls.cipherSuites[2]'],
    good: [gateway('gw', { servers: [https({ mode: 'MUTUAL', credentialName: 'a', minProtocolVersion: 'TLSV1_2', subjectAltNames: ['spiffe://x'], cipherSuites: ['ECDHE-RSA-AES256-GCM-SHA384'] })] })],
  },
  {
    rule: 'GW-SEL-001',
    bad: [gateway('gw', { selector: {}, servers: [server(80, 'HTTP', ['a.example.com'])] })],
    paths: ['spec.selector'],
    message: /selector is empty, so the gateway configures every gateway workload \(istio=ingressgateway in istio-system; istio=egressgateway in istio-system\)/,
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['a.example.com'])] })],
  },
  {
    rule: 'GW-SEC-001',
    bad: [gateway('gw', { servers: [server(80, 'HTTP', ['*']), server(8080, 'HTTP', ['*/*'])] })],
    paths: ['spec.servers[0].hosts[0]', 'spec.servers[1].hosts[0]'],
    good: [gateway('gw', { servers: [server(80, 'HTTP', ['bookinfo/*', './*', 'a.example.com'])] })],
  },
  {
    rule: 'GW-SEC-002',
    bad: [gateway('gw', { servers: [server(443, 'TLS', ['*.local'], tls({ mode: 'AUTO_PASSTHROUGH' }))] })],
    paths: ['spec.servers[0].tls.mode'],
    good: [
      ...injectedGateway('eastwest', 'istio-system', { 'istio': 'eastwestgateway', 'topology.istio.io/network': 'net1' }, [{ port: 15443 }]),
      gateway('gw', { selector: { istio: 'eastwestgateway' }, servers: [server(15443, 'TLS', ['*.local'], tls({ mode: 'AUTO_PASSTHROUGH' }))] }),
    ],
  },
];

describe('GW-* rules', () => {
  test('every GW rule has a case', () => {
    expect(GATEWAY_RULES.map((r) => r.id).sort()).toEqual(cases.map((c) => c.rule).sort());
  });

  test.each(cases)('$rule flags the violation', (c) => {
    const f = only(check(c.bad), c.rule);
    expect(brief(f).map((x) => x.path).sort()).toEqual([...c.paths].sort());
    for (const x of f) {
      expect(x.resource).toMatchObject({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', name: c.name ?? 'gw', namespace: 'istio-system' });
      const rule = GATEWAY_RULES.find((r) => r.id === c.rule)!;
      expect(x.severity).toBe(rule.severity);
      expect(x.message).toMatch(/^[a-z"]/);
      expect(x.fix.length).toBeGreaterThan(10);
      if (c.message) expect(x.message).toMatch(c.message);
    }
  });

  test.each(cases)('$rule accepts the clean fixture', (c) => {
    expect(brief(only(check(c.good), c.rule))).toEqual([]);
  });

  test('a Gateway that is context is never reported on', () => {
    const bad = gateway('bookinfo.gw', { servers: [] });
    expect(check([], { context: [bad] }).filter((f) => f.resource.name === 'bookinfo.gw')).toEqual([]);
  });
});
