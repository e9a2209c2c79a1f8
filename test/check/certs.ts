/**
 * Test certificates generated at run time with @peculiar/x509 over node's webcrypto (ECDSA P-256: fast).
 * Generated once per process (`await testCerts()` returns the same promise), relative to {@link NOW}, so tests
 * pass `now: NOW` to analyze() and stay independent of the wall clock.
 */
import 'reflect-metadata'; // tsyringe (a dependency of @peculiar/x509) needs it loaded first
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** The fixed "now" every test certificate is relative to. */
export const NOW = new Date('2030-06-01T00:00:00Z');

const DAY = 86_400_000;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** A certificate (PEM) with its private key (PKCS#8 PEM). */
export interface TestPair {
  readonly cert: string;
  readonly key: string;
}

export interface TestCerts {
  /** Self-signed CA (basicConstraints CA:true). */
  readonly ca: TestPair;
  /** Leaf for `app.example.com`, signed by `ca`; `cert` is leaf + CA chain. */
  readonly leaf: TestPair;
  /** Self-signed leaf (CA:false) for `app.example.com`: not usable as a client CA. */
  readonly selfSigned: TestPair;
  /** Leaf for `app.example.com` that expired 10 days before NOW. */
  readonly expired: TestPair;
  /** Leaf for `app.example.com` valid from 10 days after NOW. */
  readonly notYetValid: TestPair;
  /** Leaf for `app.example.com` expiring 10 days after NOW. */
  readonly expiringSoon: TestPair;
  /** Leaf for `other.example.com` only. */
  readonly wrongSan: TestPair;
  /** Leaf for `*.example.com` and IP 10.0.0.1. */
  readonly wildcard: TestPair;
  /** Leaf without SAN, CN=legacy.example.com. */
  readonly cnOnly: TestPair;
  /** `leaf.cert` with the key of `wrongSan`. */
  readonly mismatchedKey: TestPair;
}

let cached: Promise<TestCerts> | undefined;

/** The test certificates, generated once per process. */
export function testCerts(): Promise<TestCerts> {
  if (!cached) cached = generate();
  return cached;
}

/** base64 of a string, for Secret `data`. */
export function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

async function generate(): Promise<TestCerts> {
  x509.cryptoProvider.set(webcrypto as never);
  const subtle = webcrypto.subtle;
  const newKeys = async () => (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPairLike;
  const keyPem = async (k: CryptoKeyPairLike) => x509.PemConverter.encode(await subtle.exportKey('pkcs8', k.privateKey as never), 'PRIVATE KEY');
  let serial = 1;
  const nextSerial = () => (serial++).toString(16).padStart(2, '0');

  const caKeys = await newKeys();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: 'CN=Test Root CA',
    notBefore: new Date(NOW.getTime() - 365 * DAY),
    notAfter: new Date(NOW.getTime() + 3650 * DAY),
    signingAlgorithm: ALG,
    keys: caKeys as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      // eslint-disable-next-line no-bitwise
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const ca: TestPair = { cert: caCert.toString('pem'), key: await keyPem(caKeys) };

  const leafFor = async (opts: { dns?: string[]; ips?: string[]; cn?: string; from?: number; to?: number }): Promise<TestPair> => {
    const keys = await newKeys();
    const san = [
      ...(opts.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject: `CN=${opts.cn ?? opts.dns?.[0] ?? 'leaf'}`,
      issuer: caCert.subject,
      notBefore: new Date(NOW.getTime() + (opts.from ?? -30) * DAY),
      notAfter: new Date(NOW.getTime() + (opts.to ?? 365) * DAY),
      signingAlgorithm: ALG,
      publicKey: keys.publicKey as never,
      signingKey: caKeys.privateKey as never,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        ...(san.length > 0 ? [new x509.SubjectAlternativeNameExtension(san)] : []),
      ],
    });
    return { cert: cert.toString('pem') + '\n' + ca.cert, key: await keyPem(keys) };
  };

  const ssKeys = await newKeys();
  const ssCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: 'CN=app.example.com',
    notBefore: new Date(NOW.getTime() - 30 * DAY),
    notAfter: new Date(NOW.getTime() + 365 * DAY),
    signingAlgorithm: ALG,
    keys: ssKeys as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'app.example.com' }]),
    ],
  });

  const leaf = await leafFor({ dns: ['app.example.com'] });
  const wrongSan = await leafFor({ dns: ['other.example.com'] });
  return {
    ca,
    leaf,
    selfSigned: { cert: ssCert.toString('pem'), key: await keyPem(ssKeys) },
    expired: await leafFor({ dns: ['app.example.com'], from: -400, to: -10 }),
    notYetValid: await leafFor({ dns: ['app.example.com'], from: 10, to: 400 }),
    expiringSoon: await leafFor({ dns: ['app.example.com'], to: 10 }),
    wrongSan,
    wildcard: await leafFor({ dns: ['*.example.com'], ips: ['10.0.0.1'] }),
    cnOnly: await leafFor({ cn: 'legacy.example.com' }),
    mismatchedKey: { cert: leaf.cert, key: wrongSan.key },
  };
}

interface CryptoKeyPairLike {
  readonly privateKey: unknown;
  readonly publicKey: unknown;
}
