/* eslint-disable no-bitwise */ // address arithmetic
/**
 * The Kubernetes CEL IP and CIDR libraries (library.IP / library.CIDR over Go's net/netip), for @bufbuild/cel.
 */
import { CelFunc, CelScalar, celFunc, celMethod, isCelMap } from '@bufbuild/cel';
import type { CelValue } from '@bufbuild/cel';
import { CIDR_KEY, IP_KEY, QUANTITY_KEY, URL_KEY, opaque, unwrap } from './cel-k8s-values';

const { BOOL, DYN, INT, STRING } = CelScalar;

/** An address as 4 or 16 bytes. */
interface Addr {
  readonly bytes: number[];
  readonly v4: boolean;
}

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    // netip rejects leading zeros ("010").
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%')) return undefined; // zones are rejected by the k8s library
  let head = s;
  let tail4: number[] | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (!tail4) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (x: string): number[] | undefined => {
    if (x === '') return [];
    const gs = x.split(':');
    const out: number[] = [];
    for (const g of gs) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const a = parseGroups(head.slice(0, dbl));
    const b = parseGroups(head.slice(dbl + 2));
    if (!a || !b || a.length + b.length > 7) return undefined;
    groups = [...a, ...new Array(8 - a.length - b.length).fill(0), ...b];
  } else {
    const g = parseGroups(head);
    if (!g || g.length !== 8) return undefined;
    groups = g;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  if (tail4) bytes.splice(12, 4, ...tail4);
  return bytes;
}

/** Parses an IP like the Kubernetes CEL `ip()` (netip.ParseAddr; no zones, no IPv4-mapped IPv6). */
export function parseIp(s: string): Addr | undefined {
  if (s.includes(':')) {
    const b = parseIPv6(s);
    if (!b) return undefined;
    const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
    if (mapped) return undefined;
    return { bytes: b, v4: false };
  }
  const b = parseIPv4(s);
  return b ? { bytes: b, v4: true } : undefined;
}

function formatIp(a: Addr): string {
  if (a.v4) return a.bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((a.bytes[i] << 8) | a.bytes[i + 1]);
  // RFC 5952: compress the longest run (≥2) of zero groups, leftmost on ties.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Parses a CIDR like the Kubernetes CEL `cidr()` (netip.ParsePrefix). */
export function parseCidr(s: string): { addr: Addr; bits: number } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseIp(s.slice(0, slash));
  const bitsStr = s.slice(slash + 1);
  if (!addr || !/^(0|[1-9][0-9]*)$/.test(bitsStr)) return undefined;
  const bits = Number(bitsStr);
  if (bits > (addr.v4 ? 32 : 128)) return undefined;
  return { addr, bits };
}

function masked(addr: Addr, bits: number): Addr {
  const bytes = addr.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return { bytes, v4: addr.v4 };
}

function ipOf(v: unknown): Addr {
  const a = parseIp(unwrap(v, IP_KEY, 'IP'));
  if (!a) throw new Error('invalid IP');
  return a;
}

function cidrOf(v: unknown): { addr: Addr; bits: number } {
  const c = parseCidr(unwrap(v, CIDR_KEY, 'CIDR'));
  if (!c) throw new Error('invalid CIDR');
  return c;
}

function contains(c: { addr: Addr; bits: number }, a: Addr, bits: number): boolean {
  if (a.v4 !== c.addr.v4 || bits < c.bits) return false;
  const x = masked(a, c.bits).bytes;
  const y = masked(c.addr, c.bits).bytes;
  return x.every((b, i) => b === y[i]);
}

const isIpv4Loopback = (a: Addr) => a.v4 && a.bytes[0] === 127;

export const ipFuncs: CelFunc[] = [
  celFunc('isIP', [STRING], BOOL, (s) => parseIp(s) !== undefined),
  celFunc('ip', [STRING], DYN, (s) => {
    const a = parseIp(s);
    if (!a) throw new Error(`IP Address '${s}' parse error during conversion from string`);
    return opaque(IP_KEY, formatIp(a));
  }),
  celMethod('family', DYN, [], INT, function () {
    return ipOf(this).v4 ? 4n : 6n;
  }),
  celMethod('isUnspecified', DYN, [], BOOL, function () {
    return ipOf(this).bytes.every((b) => b === 0);
  }),
  celMethod('isLoopback', DYN, [], BOOL, function () {
    const a = ipOf(this);
    return a.v4 ? isIpv4Loopback(a) : a.bytes.slice(0, 15).every((b) => b === 0) && a.bytes[15] === 1;
  }),
  celMethod('isLinkLocalMulticast', DYN, [], BOOL, function () {
    const a = ipOf(this);
    return a.v4 ? a.bytes[0] === 224 && a.bytes[1] === 0 && a.bytes[2] === 0 : a.bytes[0] === 0xff && (a.bytes[1] & 0x0f) === 0x02;
  }),
  celMethod('isLinkLocalUnicast', DYN, [], BOOL, function () {
    const a = ipOf(this);
    return a.v4 ? a.bytes[0] === 169 && a.bytes[1] === 254 : a.bytes[0] === 0xfe && (a.bytes[1] & 0xc0) === 0x80;
  }),
  celMethod('isGlobalUnicast', DYN, [], BOOL, function () {
    const a = ipOf(this);
    if (a.bytes.every((b) => b === 0)) return false;
    if (a.v4) {
      if (isIpv4Loopback(a) || a.bytes[0] >= 224 || (a.bytes[0] === 169 && a.bytes[1] === 254)) return false;
      return !a.bytes.every((b) => b === 255);
    }
    if (a.bytes[0] === 0xff) return false;
    if (a.bytes[0] === 0xfe && (a.bytes[1] & 0xc0) === 0x80) return false;
    return !(a.bytes.slice(0, 15).every((b) => b === 0) && a.bytes[15] === 1);
  }),
  celFunc('isCIDR', [STRING], BOOL, (s) => parseCidr(s) !== undefined),
  celFunc('cidr', [STRING], DYN, (s) => {
    const c = parseCidr(s);
    if (!c) throw new Error(`network address parse error during conversion from string: ${s}`);
    return opaque(CIDR_KEY, `${formatIp(c.addr)}/${c.bits}`);
  }),
  celMethod('containsIP', DYN, [DYN], BOOL, function (ip: CelValue) {
    const c = cidrOf(this);
    const a = typeof ip === 'string' ? parseIp(ip) : ipOf(ip);
    if (!a) throw new Error(`IP Address '${String(ip)}' parse error`);
    return contains(c, a, a.v4 ? 32 : 128);
  }),
  celMethod('containsCIDR', DYN, [DYN], BOOL, function (other: CelValue) {
    const c = cidrOf(this);
    const o = typeof other === 'string' ? parseCidr(other) : cidrOf(other);
    if (!o) throw new Error(`network address '${String(other)}' parse error`);
    return contains(c, o.addr, o.bits);
  }),
  celMethod('prefixLength', DYN, [], INT, function () {
    return BigInt(cidrOf(this).bits);
  }),
  celMethod('masked', DYN, [], DYN, function () {
    const c = cidrOf(this);
    return opaque(CIDR_KEY, `${formatIp(masked(c.addr, c.bits))}/${c.bits}`);
  }),
  celMethod('ip', DYN, [], DYN, function () {
    return opaque(IP_KEY, formatIp(cidrOf(this).addr));
  }),
  celFunc('string', [DYN], STRING, (v: CelValue) => {
    if (isCelMap(v)) {
      for (const key of [IP_KEY, CIDR_KEY, URL_KEY, QUANTITY_KEY]) {
        const s = v.get(key);
        if (typeof s === 'string') return s;
      }
    }
    throw new Error('no such overload: string');
  }),
];
