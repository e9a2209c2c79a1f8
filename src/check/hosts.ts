/**
 * Host grammar and host matching as Istio implements them (pkg/config/host, pkg/config/validation).
 *
 * Shared by the constructs' eager checks and by the rules, so the grammar is written once.
 * Wildcards are only a whole leftmost label (`*.example.com`) or `*`; a wildcard matches any
 * number of leftmost labels (Istio compares suffixes: `*.example.com` matches `a.b.example.com`).
 */
import { isDns1123Label } from '../internal/dns-names';

const DNS_LABEL_CI = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/** `*.` (optional) and DNS labels (case-insensitive, 1–63 characters) separated by dots: what classifyHost accepts as a name. */
const VALID_HOST = /^(?:\*\.)?[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters). */
export function isDnsLabel(s: string): boolean {
  return isDns1123Label(s);
}

/** True for a DNS-1123 subdomain (dot-separated DNS labels, at most 253 characters). */
export function isDnsSubdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every(isDnsLabel);
}

/** True for an IPv4 or IPv6 address (no CIDR). */
export function isIpAddress(s: string): boolean {
  if (IPV4.test(s)) return true;
  // IPv6: hex groups with at most one '::', optionally an IPv4 tail. Kept small on purpose.
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return false;
  const doubles = s.split('::').length - 1;
  if (doubles > 1) return false;
  const groups = s.split(':').filter((g) => g !== '');
  if (groups.length > 8 || (doubles === 0 && groups.length !== 8 && !IPV4.test(groups[groups.length - 1] ?? ''))) return false;
  return groups.every((g, i) => /^[0-9a-fA-F]{1,4}$/.test(g) || (i === groups.length - 1 && IPV4.test(g)));
}

/** True for an IP address or a CIDR block. */
export function isIpOrCidr(s: string): boolean {
  const [ip, bits, ...rest] = s.split('/');
  if (rest.length > 0) return false;
  if (!isIpAddress(ip)) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (ip.includes(':') ? 128 : 32);
}

/** The kinds of host string Istio accepts. */
export type HostKind = 'any' | 'wildcard' | 'fqdn' | 'short' | 'ip';

/**
 * Classifies a host (without a `ns/` prefix). Returns a reason string when the host is not valid at all.
 * `short` is a syntactically valid single label (e.g. `reviews`), which is valid for mesh hosts but not
 * for gateway hosts.
 */
export function classifyHost(host: string): HostClass {
  // no memo: the usual valid host is two anchored regex tests, cheaper than a Map hit (and a Map insert per new host,
  // which most hosts are: one DestinationRule host each)
  if (host === '*') return KIND.any;
  if (host.length === 0) return { invalid: 'is empty' };
  if (host.length > 255) return { invalid: 'is longer than 255 characters' };
  // an address starts with a digit (IPv4) or has a colon (IPv6): the usual name skips the address tests
  const c = host.charCodeAt(0);
  if (((c >= 48 && c <= 57) || host.includes(':')) && isIpAddress(host)) return KIND.ip;
  // one pass for the usual valid host (no label strings); the label walk below describes a problem
  if (VALID_HOST.test(host)) return host.startsWith('*.') ? KIND.wildcard : host.includes('.') ? KIND.fqdn : KIND.short;
  return classifyByLabels(host);
}

/** What {@link classifyHost} says about a host (shared between callers: read-only). */
export type HostClass = Readonly<{ kind: HostKind } | { invalid: string }>;

/** One answer object per host kind, shared (they are read-only). */
const KIND: Readonly<Record<HostKind, HostClass>> = {
  any: Object.freeze({ kind: 'any' }),
  wildcard: Object.freeze({ kind: 'wildcard' }),
  fqdn: Object.freeze({ kind: 'fqdn' }),
  short: Object.freeze({ kind: 'short' }),
  ip: Object.freeze({ kind: 'ip' }),
};

/** {@link classifyHost} label by label, for a host that is not `*`, an IP or a plainly valid name: why it is invalid. */
function classifyByLabels(host: string): HostClass {
  let rest = host;
  let wildcard = false;
  if (host.startsWith('*.')) {
    wildcard = true;
    rest = host.slice(2);
  }
  if (rest.includes('*')) {
    return { invalid: 'has a partial wildcard; a wildcard must be the whole leftmost label, as in *.example.com' };
  }
  const labels = rest.split('.');
  // A trailing dot is not accepted by Istio's validation.
  for (const label of labels) {
    if (!DNS_LABEL_CI.test(label) || label.length > 63) {
      return { invalid: `has an invalid DNS label "${label}"` };
    }
  }
  if (wildcard) return KIND.wildcard;
  return labels.length === 1 ? KIND.short : KIND.fqdn;
}

/**
 * Why a host cannot be used as a gateway server host / gateway-bound VirtualService host, or undefined when it can.
 * Accepts FQDNs, `*.suffix`, `*` and IPs; rejects short names and partial wildcards.
 */
export function gatewayHostProblem(host: string): string | undefined {
  const c = classifyHost(host);
  if ('invalid' in c) return c.invalid;
  if (c.kind === 'short') {
    return `is a short name; use a fully qualified domain name such as ${host}.example.com`;
  }
  return undefined;
}

/** A gateway server host split into its namespace scope and host. */
export interface ServerHost {
  /** `*` (any namespace, the default), `.` (the Gateway's namespace) or a namespace name. */
  readonly namespace: string;
  readonly host: string;
}

/** Splits `ns/host` (Gateway server host syntax); a host without `/` is `*\/host`. */
export function parseServerHost(value: string): ServerHost {
  const i = value.indexOf('/');
  if (i < 0) return { namespace: '*', host: value };
  return { namespace: value.slice(0, i), host: value.slice(i + 1) };
}

/** True when a server host's namespace scope admits VirtualServices of `vsNamespace`. */
export function serverHostAdmitsNamespace(sh: ServerHost, gatewayNamespace: string, vsNamespace: string): boolean {
  if (sh.namespace === '*') return true;
  if (sh.namespace === '.') return vsNamespace === gatewayNamespace;
  return sh.namespace === vsNamespace;
}

/** True when two hosts (each exact, `*.suffix` or `*`) can match a common name (Istio `Name.Matches`, both ways). */
export function hostsIntersect(a: string, b: string): boolean {
  if (a === b) return true;
  if (a === '*' || b === '*') return true;
  const aw = a.startsWith('*.');
  const bw = b.startsWith('*.');
  if (aw && bw) {
    const as = a.slice(1);
    const bs = b.slice(1);
    return as.endsWith(bs) || bs.endsWith(as);
  }
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a.toLowerCase() === b.toLowerCase();
}

/** True when every name matched by `inner` is also matched by `outer` (Istio `Name.SubsetOf`). */
export function hostCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  if (outer === '*') return true;
  if (inner === '*') return false;
  if (outer.startsWith('*.')) {
    const suffix = outer.slice(1);
    if (inner.startsWith('*.')) return inner.slice(1).endsWith(suffix);
    return inner.endsWith(suffix);
  }
  return outer.toLowerCase() === inner.toLowerCase();
}

/** Resolves a short host (no dot, not a wildcard or IP) to `<h>.<ns>.svc.cluster.local`, like istiod does. */
export function resolveShortName(host: string, namespace: string, domainSuffix = 'cluster.local'): string {
  // a host without a dot can only be an IPv6 address, which has a colon: no address test for the usual short name
  if (host === '*' || host.includes('.') || (host.includes(':') && isIpAddress(host))) return host;
  return `${host}.${namespace}.svc.${domainSuffix}`;
}

/** True when a TLS certificate name (SAN: exact or `*.suffix`, one label only) covers `host`, per RFC 6125. */
export function certificateNameCovers(san: string, host: string): boolean {
  const s = san.toLowerCase();
  const h = host.toLowerCase();
  if (s === h) return true;
  if (s.startsWith('*.')) {
    const suffix = s.slice(1);
    if (h.startsWith('*.')) return h === s;
    if (!h.endsWith(suffix)) return false;
    const left = h.slice(0, h.length - suffix.length);
    return left.length > 0 && !left.includes('.');
  }
  return false;
}
