/**
 * Self-signed test certificates for the construct tests, generated at run time with @peculiar/x509 over node's
 * webcrypto (ECDSA P-256, fast) and cached per process. Nothing is downloaded or stored on disk.
 *
 *   const c = await constructCerts();
 *   Credential.fromPem({ cert: c.valid.cert, key: c.valid.key, ca: c.ca.cert, ... })
 */
import { webcrypto } from 'node:crypto';

// tsyringe (a dependency of @peculiar/x509) needs the Reflect.metadata polyfill loaded first.
import 'reflect-metadata';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const x509 = require('@peculiar/x509') as typeof import('@peculiar/x509');

const DAY = 86_400_000;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** A PEM certificate (chain) and its PKCS#8 PEM private key. */
export interface CertPair {
  readonly cert: string;
  readonly key: string;
}

export interface ConstructCerts {
  /** Self-signed root CA. */
  readonly ca: CertPair;
  /** Self-signed leaf for webapp.istioinaction.io and catalog.istioinaction.io. */
  readonly valid: CertPair;
  /** Leaf for webapp.istioinaction.io signed by `ca` (cert = leaf + CA). */
  readonly caSigned: CertPair;
  /** Self-signed leaf that expired 10 days ago. */
  readonly expired: CertPair;
  /** Self-signed leaf for other.example.com only. */
  readonly wrongSan: CertPair;
  /** `valid.cert` with the key of `wrongSan`. */
  readonly mismatchedKey: CertPair;
}

let cached: Promise<ConstructCerts> | undefined;

/** The test certificates, generated once per process. */
export function constructCerts(): Promise<ConstructCerts> {
  if (!cached) cached = generate();
  return cached;
}

interface KeyPair { readonly privateKey: unknown; readonly publicKey: unknown }

async function generate(): Promise<ConstructCerts> {
  x509.cryptoProvider.set(webcrypto as never);
  const subtle = webcrypto.subtle;
  const now = Date.now();
  let serial = 1;
  const nextSerial = () => (serial++).toString(16).padStart(2, '0');
  const newKeys = async () => (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as KeyPair;
  const keyPem = async (k: KeyPair) => x509.PemConverter.encode(await subtle.exportKey('pkcs8', k.privateKey as never), 'PRIVATE KEY');

  const selfSigned = async (dns: string[], from: number, to: number, isCa = false): Promise<CertPair & { keys: KeyPair; subject: string }> => {
    const keys = await newKeys();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: nextSerial(),
      name: `CN=${isCa ? 'Test Root CA' : dns[0]}`,
      notBefore: new Date(now + from * DAY),
      notAfter: new Date(now + to * DAY),
      signingAlgorithm: ALG,
      keys: keys as never,
      extensions: [
        new x509.BasicConstraintsExtension(isCa, isCa ? 1 : undefined, true),
        ...(dns.length > 0 ? [new x509.SubjectAlternativeNameExtension(dns.map((value) => ({ type: 'dns' as const, value })))] : []),
      ],
    });
    return { cert: cert.toString('pem'), key: await keyPem(keys), keys, subject: cert.subject };
  };

  const ca = await selfSigned([], -365, 3650, true);
  const leafKeys = await newKeys();
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: 'CN=webapp.istioinaction.io',
    issuer: ca.subject,
    notBefore: new Date(now - 30 * DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: leafKeys.publicKey as never,
    signingKey: ca.keys.privateKey as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'webapp.istioinaction.io' }]),
    ],
  });
  const valid = await selfSigned(['webapp.istioinaction.io', 'catalog.istioinaction.io'], -30, 365);
  const expired = await selfSigned(['webapp.istioinaction.io'], -400, -10);
  const wrongSan = await selfSigned(['other.example.com'], -30, 365);
  return {
    ca: { cert: ca.cert, key: ca.key },
    valid: { cert: valid.cert, key: valid.key },
    caSigned: { cert: `${leaf.toString('pem')}\n${ca.cert}`, key: await keyPem(leafKeys) },
    expired: { cert: expired.cert, key: expired.key },
    wrongSan: { cert: wrongSan.cert, key: wrongSan.key },
    mismatchedKey: { cert: valid.cert, key: wrongSan.key },
  };
}
