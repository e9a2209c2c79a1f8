/**
 * PEM material for the property tests: a CA and a leaf for `*.pem.example.com` (+ `pem.example.com`) signed by it,
 * generated once per process with @peculiar/x509 (test/util/certs.ts loads the reflect-metadata polyfill it needs).
 */
import { webcrypto } from 'node:crypto';
import type { PemMaterial } from './build';
import { PEM_DOMAIN } from './build';
import { constructCerts } from '../util/certs';

const DAY = 86_400_000;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

interface KeyPair { readonly privateKey: never; readonly publicKey: never }

let cached: Promise<PemMaterial> | undefined;

/** The PEM material (cached per process). */
export function pemMaterial(): Promise<PemMaterial> {
  if (!cached) cached = generate();
  return cached;
}

async function generate(): Promise<PemMaterial> {
  await constructCerts(); // installs the reflect shim and the crypto provider
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const x509 = require('@peculiar/x509') as typeof import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as never);
  const subtle = webcrypto.subtle;
  const now = Date.now();
  const caKeys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as KeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a',
    name: 'CN=Property Test CA',
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true)],
  });
  const leafKeys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as KeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '0b',
    subject: `CN=${PEM_DOMAIN}`,
    issuer: ca.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: `*.${PEM_DOMAIN}` }, { type: 'dns', value: PEM_DOMAIN }]),
    ],
  });
  const key = x509.PemConverter.encode(await subtle.exportKey('pkcs8', leafKeys.privateKey), 'PRIVATE KEY');
  return { cert: `${leaf.toString('pem')}\n${ca.toString('pem')}\n`, key, ca: `${ca.toString('pem')}\n` };
}
