import {
  certificateNameCovers, classifyHost, gatewayHostProblem, hostCovers, hostsIntersect, isDnsLabel, isIpOrCidr,
  parseServerHost, resolveShortName, serverHostAdmitsNamespace,
} from '../../src/check/hosts';

describe('hosts', () => {
  test('classifyHost', () => {
    expect(classifyHost('*')).toEqual({ kind: 'any' });
    expect(classifyHost('*.a.com')).toEqual({ kind: 'wildcard' });
    expect(classifyHost('a.com')).toEqual({ kind: 'fqdn' });
    expect(classifyHost('reviews')).toEqual({ kind: 'short' });
    expect(classifyHost('10.0.0.1')).toEqual({ kind: 'ip' });
    expect(classifyHost('foo*.com')).toHaveProperty('invalid');
    expect(classifyHost('')).toHaveProperty('invalid');
  });

  test('gateway hosts reject short names', () => {
    expect(gatewayHostProblem('bookinfo')).toMatch(/short name/);
    expect(gatewayHostProblem('bookinfo.example.com')).toBeUndefined();
  });

  test('server host scoping', () => {
    expect(parseServerHost('a.com')).toEqual({ namespace: '*', host: 'a.com' });
    expect(parseServerHost('./a.com')).toEqual({ namespace: '.', host: 'a.com' });
    expect(serverHostAdmitsNamespace(parseServerHost('./a.com'), 'gw-ns', 'gw-ns')).toBe(true);
    expect(serverHostAdmitsNamespace(parseServerHost('./a.com'), 'gw-ns', 'other')).toBe(false);
    expect(serverHostAdmitsNamespace(parseServerHost('bookinfo/a.com'), 'gw-ns', 'bookinfo')).toBe(true);
  });

  test.each([
    ['a.com', 'a.com', true], ['*', 'x.y', true], ['*.a.com', 'b.a.com', true], ['*.a.com', 'c.b.a.com', true],
    ['*.a.com', 'a.com', false], ['*.a.com', '*.b.a.com', true], ['a.com', 'b.com', false], ['A.com', 'a.com', true],
  ])('hostsIntersect(%s, %s) = %s', (a, b, r) => {
    expect(hostsIntersect(a, b)).toBe(r);
    expect(hostsIntersect(b, a)).toBe(r);
  });

  test('hostCovers', () => {
    expect(hostCovers('*.a.com', 'b.a.com')).toBe(true);
    expect(hostCovers('b.a.com', '*.a.com')).toBe(false);
    expect(hostCovers('*', '*.a.com')).toBe(true);
    expect(hostCovers('*.a.com', '*')).toBe(false);
  });

  test('resolveShortName, DNS labels, CIDR, certificate names', () => {
    expect(resolveShortName('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(resolveShortName('a.com', 'bookinfo')).toBe('a.com');
    expect(isDnsLabel('bookinfo-gw')).toBe(true);
    expect(isDnsLabel('bookinfo.gw')).toBe(false);
    expect(isIpOrCidr('10.0.0.0/8')).toBe(true);
    expect(isIpOrCidr('10.0.0.0/33')).toBe(false);
    expect(certificateNameCovers('*.a.com', 'b.a.com')).toBe(true);
    expect(certificateNameCovers('*.a.com', 'c.b.a.com')).toBe(false);
  });
});
