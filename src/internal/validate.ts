/**
 * Eager checks shared by the constructs (local mistakes in props: throw at once, naming prop, value and fix).
 * Cross-object facts are not checked here: they belong to the rule engine in src/check.
 * Internal: not exported from index.ts.
 */
import { createHash } from 'crypto';
import { IConstruct } from 'constructs';
import { gatewayHostProblem } from '../check/hosts';
import { IstioGatewaysError } from '../errors';
import { isDns1123Label } from './dns-names';

/** Throws unless `port` is an integer from 1 to 65535. */
export function validatePort(scope: IConstruct, field: string, port: number): void {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new IstioGatewaysError(scope, `${field}: port ${String(port)} is out of range; use an integer from 1 to 65535`);
  }
}

/**
 * Throws unless every host is usable on a gateway server (FQDN, `*.suffix`, or — with `allowAny` — `*`),
 * and unless the list is non-empty and free of duplicates.
 */
export function validateGatewayHosts(
  scope: IConstruct, field: string, hosts: readonly string[],
  options: { allowAny?: boolean; allowWildcard?: boolean } = {},
): void {
  if (!Array.isArray(hosts) || hosts.length === 0) {
    throw new IstioGatewaysError(scope, `${field}: at least one host is required, e.g. ["app.example.com"]`);
  }
  const seen = new Set<string>();
  hosts.forEach((host, i) => {
    if (typeof host !== 'string') {
      throw new IstioGatewaysError(scope, `${field}[${i}]: ${String(host)} is not a string hostname`);
    }
    if (host === '*') {
      if (!options.allowAny) {
        throw new IstioGatewaysError(scope, `${field}[${i}]: "*" would let any VirtualService in any namespace bind; list exact hosts, or set allowAnyHost: true if you really mean it`);
      }
    } else {
      const problem = gatewayHostProblem(host);
      if (problem) throw new IstioGatewaysError(scope, `${field}[${i}]: "${host}" ${problem}`);
      if (host.startsWith('*.') && options.allowWildcard === false) {
        throw new IstioGatewaysError(scope, `${field}[${i}]: wildcard "${host}" on a TLS server is off by default; list exact hosts, or set allowWildcardHosts: true`);
      }
    }
    const key = host.toLowerCase();
    if (seen.has(key)) {
      throw new IstioGatewaysError(scope, `${field}[${i}]: "${host}" is listed twice; list each host once`);
    }
    seen.add(key);
  });
}

/** Throws unless `name` is a DNS-1123 label (object names that Istio requires to be labels, port names). */
export function validateDnsLabel(scope: IConstruct, field: string, name: string): void {
  if (typeof name !== 'string' || !isDns1123Label(name)) {
    throw new IstioGatewaysError(scope, `${field}: "${String(name)}" is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`);
  }
}

/** Well-known port names of Istio's gateway Services. */
export function defaultPortName(port: number): string {
  switch (port) {
    case 15021: return 'status-port';
    case 80: return 'http2';
    case 443: return 'https';
    default: return `tcp-${port}`;
  }
}


/**
 * A DNS-label-safe slug of a host for derived names (port names, subset names), at most `max` characters, with
 * `prefix`: dots become dashes (readable: `https-webapp-istioinaction-io`); a slug that would be truncated ends in
 * a short hash of the host instead. A pure function of its input, so derived names do not depend on creation order.
 * The mapping is not injective (`a-b.x.com` and `a.b.x.com` meet): callers detect the clash and ask for an explicit name.
 */
export function hostSlug(prefix: string, host: string, max = 63): string {
  const h = host.toLowerCase();
  const plain = (h === '*' ? 'any' : h.replace(/^\*\./, 'wildcard.')).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const base = prefix ? `${prefix}-${plain}` : plain;
  if (base.length <= max) return base;
  const hash = createHash('sha256').update(h).digest('hex').slice(0, 6);
  return `${base.slice(0, max - 7).replace(/-+$/, '')}-${hash}`;
}
