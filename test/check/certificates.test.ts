import * as fc from 'fast-check';
import { NOW, TestCerts, b64, testCerts } from './certs';
import {
  daysUntilExpiry,
  keyMatchesCertificate,
  namesCover,
  parseCertificate,
  parseCertificateChain,
  parsePrivateKey,
  parseSubjectAltName,
  secretValues,
  validityAt,
  CertificateInfo,
} from '../../src/check/certificates';
import { fcParams } from '../util/property';

let certs: TestCerts;
beforeAll(async () => {
  certs = await testCerts();
});

function leafOf(pem: string): CertificateInfo {
  const r = parseCertificateChain(pem);
  expect(r.problems).toStrictEqual([]);
  return r.certificates[0];
}

describe('parseCertificateChain', () => {
  test('parses a leaf + CA chain in order', () => {
    const r = parseCertificateChain(certs.leaf.cert);
    expect(r.problems).toStrictEqual([]);
    expect(r.certificates.map((c) => c.isCa)).toStrictEqual([false, true]);
    expect(r.certificates[0].dnsNames).toStrictEqual(['app.example.com']);
    expect(r.certificates[0].commonName).toBe('app.example.com');
  });

  test('reports empty input, non-PEM, other PEM blocks and broken blocks', () => {
    expect(parseCertificateChain('').problems).toStrictEqual(['is empty']);
    expect(parseCertificateChain('hello').problems[0]).toMatch(/is not PEM/);
    expect(parseCertificateChain(certs.leaf.key).problems[0]).toMatch(/"private key" PEM block, not a certificate/);
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const r = parseCertificateChain(broken + certs.ca.cert);
    expect(r.certificates).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^certificate #1 does not parse/);
  });

  test('SANs: DNS + IP; CN only without SAN', () => {
    const w = leafOf(certs.wildcard.cert);
    expect(w.dnsNames).toStrictEqual(['*.example.com']);
    expect(w.ipAddresses).toStrictEqual(['10.0.0.1']);
    expect(w.names).toStrictEqual(['*.example.com', '10.0.0.1']);
    expect(w.usesCommonNameOnly).toBe(false);
    const cn = leafOf(certs.cnOnly.cert);
    expect(cn.dnsNames).toStrictEqual([]);
    expect(cn.names).toStrictEqual(['legacy.example.com']);
    expect(cn.usesCommonNameOnly).toBe(true);
  });

  test('CA flag', () => {
    expect(leafOf(certs.ca.cert).isCa).toBe(true);
    expect(leafOf(certs.selfSigned.cert).isCa).toBe(false);
  });
});

describe('keys', () => {
  test('matching and mismatched keys', () => {
    const key = parsePrivateKey(certs.leaf.key);
    expect(key.problem).toBeUndefined();
    expect(keyMatchesCertificate(leafOf(certs.leaf.cert), key.key!)).toBe(true);
    const other = parsePrivateKey(certs.mismatchedKey.key);
    expect(keyMatchesCertificate(leafOf(certs.mismatchedKey.cert), other.key!)).toBe(false);
  });

  test('key problems', () => {
    expect(parsePrivateKey('').problem).toBe('is empty');
    expect(parsePrivateKey('nope').problem).toMatch(/is not PEM/);
    expect(parsePrivateKey(certs.ca.cert).problem).toMatch(/"certificate" PEM block, not a private key/);
    expect(parsePrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----').problem).toMatch(/^does not parse/);
    expect(parsePrivateKey('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----').problem).toMatch(/encrypted/);
  });
});

describe('validity', () => {
  test('valid, expired, not yet valid, expiring', () => {
    expect(validityAt(leafOf(certs.leaf.cert), NOW)).toBe('valid');
    expect(validityAt(leafOf(certs.expired.cert), NOW)).toBe('expired');
    expect(validityAt(leafOf(certs.notYetValid.cert), NOW)).toBe('not-yet-valid');
    expect(validityAt(leafOf(certs.expiringSoon.cert), NOW)).toBe('valid');
    expect(daysUntilExpiry(leafOf(certs.expiringSoon.cert), NOW)).toBe(10);
  });
});

describe('namesCover', () => {
  test('exact, wildcard one label, IP, never *', () => {
    expect(namesCover(['app.example.com'], 'app.example.com')).toBe(true);
    expect(namesCover(['APP.example.com'], 'app.EXAMPLE.com')).toBe(true);
    expect(namesCover(['*.example.com'], 'a.example.com')).toBe(true);
    expect(namesCover(['*.example.com'], 'a.b.example.com')).toBe(false);
    expect(namesCover(['*.example.com'], 'example.com')).toBe(false);
    expect(namesCover(['*.example.com'], '*.example.com')).toBe(true);
    expect(namesCover(['app.example.com'], '*.example.com')).toBe(false);
    expect(namesCover(['10.0.0.1'], '10.0.0.1')).toBe(true);
    expect(namesCover(['*.example.com'], '10.0.0.1')).toBe(false);
    expect(namesCover(['*.example.com'], '*')).toBe(false);
  });

  test('parseSubjectAltName', () => {
    expect(parseSubjectAltName('DNS:a.com, IP Address:1.2.3.4, email:x@y, DNS:*.b.com')).toStrictEqual({ dns: ['a.com', '*.b.com'], ips: ['1.2.3.4'] });
    expect(parseSubjectAltName(undefined)).toStrictEqual({ dns: [], ips: [] });
  });
});

describe('secretValues', () => {
  test('data is base64, stringData plain and wins', () => {
    const v = secretValues({ data: { 'tls.crt': b64('A'), 'tls.key': b64('B'), 'bad': '%%%' }, stringData: { 'tls.key': 'C' } });
    expect(v.get('tls.crt')).toStrictEqual({ text: 'A', path: 'data.tls.crt' });
    expect(v.get('tls.key')).toStrictEqual({ text: 'C', path: 'stringData.tls.key' });
    expect(v.get('bad')?.problem).toMatch(/not valid base64/);
  });
});

describe('never throws on garbage', () => {
  test('property', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (a, s) => {
        secretValues(a);
        parseCertificateChain(s);
        parseCertificateChain('-----BEGIN CERTIFICATE-----\n' + s + '\n-----END CERTIFICATE-----');
        parsePrivateKey(s);
        parsePrivateKey('-----BEGIN PRIVATE KEY-----\n' + s + '\n-----END PRIVATE KEY-----');
        expect(typeof parseCertificate(s)).toBe('string');
      }),
      fcParams(200),
    );
  });
});
