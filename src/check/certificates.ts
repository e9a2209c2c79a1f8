/**
 * PEM inspection for the SEC-* rules: certificate chains, private keys, key ↔ certificate match, SANs, validity
 * window and the CA flag, with node:crypto (`X509Certificate`, `createPrivateKey`). No network, no cluster.
 *
 * Every function takes untrusted text and never throws: what is wrong comes back as a list of problems whose
 * messages are lowercase sentences ready to embed in a finding.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { certificateNameCovers, isIpAddress } from './hosts';
import { asRecord, asString, isRecord } from './model';

/**
 * node:crypto, loaded on the first certificate or key to inspect: most inputs hold none, and loading it is ≈ 2 ms of
 * the CLI's start-up on a small repo.
 */
function nodeCrypto(): typeof import('node:crypto') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:crypto') as typeof import('node:crypto');
}

/** What the checker needs to know about one X.509 certificate. */
export interface CertificateInfo {
  /** Subject DN as node prints it, one `K=V` per line. */
  readonly subject: string;
  /** Subject common name, if any. */
  readonly commonName?: string;
  /** DNS names of the subjectAltName extension. */
  readonly dnsNames: readonly string[];
  /** IP addresses of the subjectAltName extension. */
  readonly ipAddresses: readonly string[];
  /**
   * The names a client verifies against: the SAN DNS names and IPs, or the CN only when the certificate has no SAN
   * at all (legacy; modern clients ignore the CN, see {@link usesCommonNameOnly}).
   */
  readonly names: readonly string[];
  /** True when the certificate has no subjectAltName and `names` falls back to the CN. */
  readonly usesCommonNameOnly: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints CA:TRUE. */
  readonly isCa: boolean;
  /** SHA-256 fingerprint, for messages and de-duplication. */
  readonly fingerprint256: string;
  /** The parsed certificate (for key matching). */
  readonly x509: X509Certificate;
}

/** Result of parsing a PEM bundle of certificates. */
export interface ChainResult {
  /** Parsed certificates, in bundle order (the leaf first for a server chain). */
  readonly certificates: readonly CertificateInfo[];
  /** What could not be parsed; empty when every block parsed and there was at least one. */
  readonly problems: readonly string[];
}

/** Result of parsing a PEM private key. */
export interface KeyResult {
  readonly key?: KeyObject;
  readonly problem?: string;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
const ANY_BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/;

/** Parses every `CERTIFICATE` block of a PEM bundle. Never throws. */
export function parseCertificateChain(pem: string): ChainResult {
  const problems: string[] = [];
  const certificates: CertificateInfo[] = [];
  if (typeof pem !== 'string' || pem.trim() === '') return { certificates, problems: ['is empty'] };
  let n = 0;
  for (const m of pem.matchAll(CERT_BLOCK)) {
    n++;
    const info = parseCertificate(m[0]);
    if (typeof info === 'string') problems.push(`certificate #${n} does not parse (${info})`);
    else certificates.push(info);
  }
  if (n === 0) {
    const other = ANY_BEGIN.exec(pem);
    problems.push(other ? `holds a "${other[1].toLowerCase()}" PEM block, not a certificate` : 'is not PEM (no "-----BEGIN CERTIFICATE-----" block)');
  }
  return { certificates, problems };
}

/** Parses one PEM certificate; returns the reason as a string when it does not parse. */
export function parseCertificate(pem: string): CertificateInfo | string {
  let x: X509Certificate;
  try {
    x = new (nodeCrypto().X509Certificate)(pem);
  } catch (e) {
    return shortError(e);
  }
  try {
    const { dns, ips } = parseSubjectAltName(x.subjectAltName);
    const commonName = /^CN=(.*)$/m.exec(x.subject ?? '')?.[1];
    const hasSan = x.subjectAltName !== undefined && (dns.length > 0 || ips.length > 0);
    const names = hasSan ? [...dns, ...ips] : commonName ? [commonName] : [];
    return {
      subject: x.subject,
      commonName,
      dnsNames: dns,
      ipAddresses: ips,
      names,
      usesCommonNameOnly: !hasSan && commonName !== undefined,
      notBefore: new Date(x.validFrom),
      notAfter: new Date(x.validTo),
      isCa: x.ca === true,
      fingerprint256: x.fingerprint256,
      x509: x,
    };
  } catch (e) {
    return shortError(e);
  }
}

/** Splits node's `subjectAltName` string (`DNS:a.com, IP Address:1.2.3.4`) into DNS names and IPs. */
export function parseSubjectAltName(san: string | undefined): { dns: string[]; ips: string[] } {
  const dns: string[] = [];
  const ips: string[] = [];
  if (!san) return { dns, ips };
  for (const part of san.split(/,\s*/)) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const type = part.slice(0, colon).trim();
    const value = part.slice(colon + 1).trim().replace(/^"|"$/g, '');
    if (type === 'DNS') dns.push(value);
    else if (type === 'IP Address') ips.push(value);
  }
  return { dns, ips };
}

/** Parses a PEM private key (PKCS#8, PKCS#1 RSA, SEC1 EC). Never throws. */
export function parsePrivateKey(pem: string): KeyResult {
  if (typeof pem !== 'string' || pem.trim() === '') return { problem: 'is empty' };
  const begin = ANY_BEGIN.exec(pem);
  if (!begin) return { problem: 'is not PEM (no "-----BEGIN ... PRIVATE KEY-----" block)' };
  if (!begin[1].includes('PRIVATE KEY')) {
    return { problem: `holds a "${begin[1].toLowerCase()}" PEM block, not a private key` };
  }
  if (begin[1].includes('ENCRYPTED')) return { problem: 'is an encrypted private key; envoy needs it unencrypted' };
  try {
    return { key: nodeCrypto().createPrivateKey({ key: pem, format: 'pem' }) };
  } catch (e) {
    return { problem: `does not parse (${shortError(e)})` };
  }
}

/** True when the private key belongs to the certificate's public key. False on any error. */
export function keyMatchesCertificate(cert: CertificateInfo, key: KeyObject): boolean {
  try {
    return cert.x509.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** Where a certificate stands in time. */
export type Validity = 'valid' | 'expired' | 'not-yet-valid';

/** `expired` after notAfter, `not-yet-valid` before notBefore, else `valid`. */
export function validityAt(cert: CertificateInfo, now: Date): Validity {
  const t = now.getTime();
  if (!(cert.notAfter.getTime() >= t)) return 'expired';
  if (cert.notBefore.getTime() > t) return 'not-yet-valid';
  return 'valid';
}

/** Whole days from `now` until the certificate expires (negative when expired). */
export function daysUntilExpiry(cert: CertificateInfo, now: Date): number {
  return Math.floor((cert.notAfter.getTime() - now.getTime()) / 86_400_000);
}

/**
 * True when a certificate name list (SAN DNS names and IPs, or the CN when there is no SAN) covers `host`: exact or
 * single-label wildcard (RFC 6125) for DNS names, exact for IPs. A server host `*.x.com` is only covered by the SAN
 * `*.x.com` itself; `*` is never covered.
 */
export function namesCover(names: readonly string[], host: string): boolean {
  if (host === '*') return false;
  if (isIpAddress(host)) return names.some((n) => n === host);
  return names.some((n) => !isIpAddress(n) && certificateNameCovers(n, host));
}

/** An ISO date (`2030-01-01`) for messages. */
export function isoDay(d: Date): string {
  return Number.isFinite(d.getTime()) ? d.toISOString().slice(0, 10) : 'an unreadable date';
}

// ---------------------------------------------------------------------------------------------------------------
// Secret data
// ---------------------------------------------------------------------------------------------------------------

/** One key of a Secret, decoded. */
export interface SecretValue {
  /** Decoded text (UTF-8). */
  readonly text: string;
  /** Where it is in the manifest: `data.tls.crt` or `stringData.tls.crt`. */
  readonly path: string;
  /** Set when a `data` value is not valid base64. */
  readonly problem?: string;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

/**
 * The keys of a Secret manifest, decoded: `data` values are base64, `stringData` values are plain text and win over
 * `data` (as the API server merges them). Non-string values are skipped. Never throws.
 */
export function secretValues(raw: unknown): Map<string, SecretValue> {
  const out = new Map<string, SecretValue>();
  const obj = asRecord(raw);
  const data = obj.data;
  if (isRecord(data)) {
    for (const [k, v] of Object.entries(data)) {
      const s = asString(v);
      if (s === undefined) continue;
      const compact = s.replace(/\s+/g, '');
      if (!BASE64.test(s) || compact.length % 4 === 1) {
        out.set(k, { text: '', path: `data.${k}`, problem: 'is not valid base64 (data values are base64; put plain PEM under stringData)' });
        continue;
      }
      out.set(k, { text: Buffer.from(compact, 'base64').toString('utf8'), path: `data.${k}` });
    }
  }
  const stringData = obj.stringData;
  if (isRecord(stringData)) {
    for (const [k, v] of Object.entries(stringData)) {
      const s = asString(v);
      if (s !== undefined) out.set(k, { text: s, path: `stringData.${k}` });
    }
  }
  return out;
}

function shortError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].toLowerCase().slice(0, 120);
}
