import * as fc from 'fast-check';
import {
  certificateNameCovers, classifyHost, gatewayHostProblem, hostCovers, hostsIntersect, isDnsLabel, isIpOrCidr,
  parseServerHost, resolveShortName, serverHostAdmitsNamespace,
} from '../../src/check/hosts';
import { wildcardDomainProblem } from '../../src/check/rules/virtual-service';
import { fcParams } from '../util/property';

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

  test('classifyHost at the edges of a valid name', () => {
    const l63 = 'a'.repeat(63);
    expect(classifyHost(`${l63}.com`)).toEqual({ kind: 'fqdn' });
    expect(classifyHost(`a${l63}.com`)).toEqual({ invalid: `has an invalid DNS label "a${l63}"` });
    expect(classifyHost('*.A-1.b2')).toEqual({ kind: 'wildcard' });
    expect(classifyHost('a.com.')).toEqual({ invalid: 'has an invalid DNS label ""' });
    expect(classifyHost('a..com')).toEqual({ invalid: 'has an invalid DNS label ""' });
    expect(classifyHost('-a.com')).toEqual({ invalid: 'has an invalid DNS label "-a"' });
    expect(classifyHost('*.*.com')).toHaveProperty('invalid');
    expect(classifyHost('123')).toEqual({ kind: 'short' });
  });

  // classifyHost and wildcardDomainProblem accept a valid name in one regex pass: they answer as the label walk does
  const hostish = fc.array(fc.constantFrom('a', 'Z', '0', '9', '-', '.', '*', '_', 'a'.repeat(62)), { maxLength: 12 }).map((p) => p.join(''));

  test('classifyHost answers as a label walk, for any string', () => {
    fc.assert(fc.property(hostish, (h) => {
      expect(classifyHost(h)).toEqual(classifyByLabels(h));
    }), fcParams(2000));
  });

  test('wildcardDomainProblem answers as a label walk, for any string', () => {
    fc.assert(fc.property(hostish, (h) => {
      expect(wildcardDomainProblem(h)).toBe(wildcardProblemByLabels(h));
    }), fcParams(2000));
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
    // addresses and `*` stay as they are; a dotless host that is not an address is a short name
    expect(['*', '10.0.0.1', '::1', '2001:db8::1', 'fe80::1:2'].map((h) => resolveShortName(h, 'bookinfo'))).toEqual(['*', '10.0.0.1', '::1', '2001:db8::1', 'fe80::1:2']);
    expect(resolveShortName('a:b', 'bookinfo')).toBe('a:b.bookinfo.svc.cluster.local');
    expect(isDnsLabel('bookinfo-gw')).toBe(true);
    expect(isDnsLabel('bookinfo.gw')).toBe(false);
    expect(isIpOrCidr('10.0.0.0/8')).toBe(true);
    expect(isIpOrCidr('10.0.0.0/33')).toBe(false);
    expect(certificateNameCovers('*.a.com', 'b.a.com')).toBe(true);
    expect(certificateNameCovers('*.a.com', 'c.b.a.com')).toBe(false);
  });
});

const LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const isLabel = (l: string) => LABEL.test(l) && l.length <= 63;

/** Reference for classifyHost: Istio's validation label by label. */
function classifyByLabels(host: string): ReturnType<typeof classifyHost> {
  if (host === '*') return { kind: 'any' };
  if (host.length === 0) return { invalid: 'is empty' };
  if (host.length > 255) return { invalid: 'is longer than 255 characters' };
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(host)) return { kind: 'ip' };
  const wildcard = host.startsWith('*.');
  const rest = wildcard ? host.slice(2) : host;
  if (rest.includes('*')) return { invalid: 'has a partial wildcard; a wildcard must be the whole leftmost label, as in *.example.com' };
  const labels = rest.split('.');
  const bad = labels.find((l) => !isLabel(l));
  if (bad !== undefined) return { invalid: `has an invalid DNS label "${bad}"` };
  if (wildcard) return { kind: 'wildcard' };
  return { kind: labels.length === 1 ? 'short' : 'fqdn' };
}

/** Reference for wildcardDomainProblem: Istio's ValidateWildcardDomain label by label. */
function wildcardProblemByLabels(domain: string): string | undefined {
  if (domain.length === 0) return 'is empty';
  if (domain.length > 255) return 'is longer than 255 characters';
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (first !== '*' && !(first.length <= 63 && /^(\*|\*-)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(first))) {
    return `has an invalid first label ${JSON.stringify(first)} (a wildcard must be the whole leftmost label, as in *.example.com)`;
  }
  if (dot < 0) return undefined;
  const parts = domain.slice(dot + 1).split('.');
  const tld = parts[parts.length - 1];
  if (/^[0-9]+$/.test(tld)) return `top-level domain ${JSON.stringify(tld)} cannot be all-numeric`;
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isLabel(parts[i])) return `label ${JSON.stringify(parts[i])} is not a DNS-1123 label`;
  }
  return undefined;
}
