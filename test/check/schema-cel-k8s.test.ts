import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { K8S_CEL_FUNCS, parseCidr, parseIp, parseQuantity, parseRequestUri } from '../../src/check/cel-k8s';

const env = celEnv({ funcs: [...K8S_CEL_FUNCS] });
const cel = (expr: string, self?: unknown): unknown => {
  const v = plan(env, parse(expr))({ self } as never);
  if (isCelError(v)) return new Error(v.message);
  return v;
};

describe('URL library', () => {
  test('isURL follows Go url.ParseRequestURI: absolute URI or absolute path', () => {
    expect(cel("isURL('https://example.com/a?b=c')")).toBe(true);
    expect(cel("isURL('/absolute/path')")).toBe(true);
    expect(cel("isURL('oci://ghcr.io/org/plugin:1.0')")).toBe(true);
    expect(cel("isURL('ghcr.io/org/plugin:1.0')")).toBe(false);
    expect(cel("isURL('relative/path')")).toBe(false);
    expect(cel("isURL(':nope')")).toBe(false);
    expect(cel("isURL('http://a b.com/')")).toBe(false);
  });

  test('url() accessors', () => {
    expect(cel("url('https://user@example.com:8443/a%20b?x=1&x=2&y').getScheme()")).toBe('https');
    expect(cel("url('https://example.com:8443/p').getHost()")).toBe('example.com:8443');
    expect(cel("url('https://example.com:8443/p').getHostname()")).toBe('example.com');
    expect(cel("url('https://[::1]:8443/p').getHostname()")).toBe('::1');
    expect(cel("url('https://example.com:8443/p').getPort()")).toBe('8443');
    expect(cel("url('https://example.com/p').getPort()")).toBe('');
    expect(cel("url('https://example.com/a%20b').getEscapedPath()")).toBe('/a%20b');
    expect(cel("url('https://e.com/?x=1&x=2&y').getQuery()['x'] == ['1', '2']")).toBe(true);
    expect(cel("url('not a url')")).toBeInstanceOf(Error);
  });

  test('the WasmPlugin rule accepts bare registries through the http:// fallback', () => {
    const rule = 'isURL(self) ? (url(self).getScheme() in ["", "http", "https", "oci", "file"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "oci", "file"])';
    expect(cel(rule, 'ghcr.io/org/plugin:1.0')).toBe(true);
    expect(cel(rule, 'oci://ghcr.io/org/plugin')).toBe(true);
    expect(cel(rule, 'ftp://example.com/x.wasm')).toBe(false);
  });

  test('parseRequestUri parts', () => {
    expect(parseRequestUri('mailto:a@b.c')).toMatchObject({ scheme: 'mailto', opaque: 'a@b.c' });
    expect(parseRequestUri('http://h/p?q=1')).toMatchObject({ scheme: 'http', host: 'h', path: '/p', rawQuery: 'q=1' });
    expect(parseRequestUri('http://h:port/')).toBeUndefined();
  });
});

describe('IP and CIDR libraries', () => {
  test('isIP and ip()', () => {
    expect(cel("isIP('10.0.0.1') && isIP('2001:db8::1') && isIP('::')")).toBe(true);
    expect(cel("isIP('10.0.0.256') || isIP('010.0.0.1') || isIP('example.com') || isIP('fe80::1%eth0')")).toBe(false);
    expect(cel("isIP('::ffff:10.0.0.1')")).toBe(false);
    expect(cel("ip('10.0.0.1').family()")).toBe(4n);
    expect(cel("ip('2001:db8::1').family()")).toBe(6n);
    expect(cel("string(ip('2001:0db8:0000:0000:0000:0000:0000:0001'))")).toBe('2001:db8::1');
    expect(cel("ip('nope')")).toBeInstanceOf(Error);
  });

  test('ip classification methods', () => {
    expect(cel("ip('127.0.0.1').isLoopback() && ip('::1').isLoopback()")).toBe(true);
    expect(cel("ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified()")).toBe(true);
    expect(cel("ip('169.254.1.1').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()")).toBe(true);
    expect(cel("ip('224.0.0.1').isLinkLocalMulticast() && ip('ff02::1').isLinkLocalMulticast()")).toBe(true);
    expect(cel("ip('8.8.8.8').isGlobalUnicast() && !ip('127.0.0.1').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast()")).toBe(true);
  });

  test('isCIDR and cidr()', () => {
    expect(cel("isCIDR('10.0.0.0/8') && isCIDR('2001:db8::/32') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0')")).toBe(true);
    expect(cel("cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))")).toBe(true);
    expect(cel("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR(cidr('10.0.0.0/8'))")).toBe(true);
    expect(cel("cidr('10.1.2.3/8').prefixLength()")).toBe(8n);
    expect(cel("string(cidr('10.1.2.3/8').masked())")).toBe('10.0.0.0/8');
    expect(cel("string(cidr('10.1.2.3/8').ip())")).toBe('10.1.2.3');
    expect(parseCidr('::/0')).toMatchObject({ bits: 0 });
    expect(parseIp('1.2.3')).toBeUndefined();
  });
});

describe('quantity library', () => {
  test('isQuantity and quantity()', () => {
    expect(cel("isQuantity('500m') && isQuantity('1Gi') && isQuantity('1e3') && isQuantity('-1.5k')")).toBe(true);
    expect(cel("isQuantity('1.5x') || isQuantity('Gi')")).toBe(false);
    expect(parseQuantity('1Ki')).toBe(1024);
  });

  test('quantity methods', () => {
    expect(cel("quantity('1Gi').isGreaterThan(quantity('1000Mi')) && quantity('1k').isLessThan(quantity('1Ki'))")).toBe(true);
    expect(cel("quantity('500m').asApproximateFloat()")).toBe(0.5);
    expect(cel("quantity('2k').asInteger()")).toBe(2000n);
    expect(cel("quantity('500m').isInteger()")).toBe(false);
    expect(cel("quantity('-1').sign()")).toBe(-1n);
    expect(cel("quantity('1k').add(24).compareTo(quantity('1024'))")).toBe(0n);
    expect(cel("quantity('1k').sub(quantity('1')).asInteger()")).toBe(999n);
    expect(cel("quantity('500m').asInteger()")).toBeInstanceOf(Error);
  });
});

describe('list library', () => {
  test('isSorted, sum, min, max', () => {
    expect(cel('[1, 2, 2, 3].isSorted() && !["b", "a"].isSorted()')).toBe(true);
    expect(cel('[1, 2, 3].sum()')).toBe(6n);
    expect(cel('[1.5, 2.5].sum()')).toBe(4);
    expect(cel('[3, 1, 2].min()')).toBe(1n);
    expect(cel('["a", "c", "b"].max()')).toBe('c');
    expect(cel('[].min()')).toBeInstanceOf(Error);
  });

  test('indexOf and lastIndexOf on lists', () => {
    expect(cel("['a', 'b', 'a'].indexOf('a')")).toBe(0n);
    expect(cel("['a', 'b', 'a'].lastIndexOf('a')")).toBe(2n);
    expect(cel("['a'].indexOf('z')")).toBe(-1n);
  });
});

describe('regex library', () => {
  test('find and findAll', () => {
    expect(cel("'abc123def456'.find('[0-9]+')")).toBe('123');
    expect(cel("'abc'.find('[0-9]+')")).toBe('');
    expect(cel("'abc123def456'.findAll('[0-9]+') == ['123', '456']")).toBe(true);
    expect(cel("'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']")).toBe(true);
  });
});

describe('strings extension (as Kubernetes enables it)', () => {
  test('lowerAscii, upperAscii, split, join, indexOf, replace, substring, trim, format', () => {
    expect(cel("'HeLLo'.lowerAscii() + 'a'.upperAscii()")).toBe('helloA');
    expect(cel("'a/b/c'.split('/')[0].size() < 253")).toBe(true);
    expect(cel("['x', 'y'].join('-')")).toBe('x-y');
    expect(cel("'abc'.indexOf('c')")).toBe(2n);
    expect(cel("'a-b'.replace('-', '_')")).toBe('a_b');
    expect(cel("'unix:///x'.substring(7, 8)")).toBe('/');
    expect(cel("'  x '.trim()")).toBe('x');
    expect(cel("'%s=%d'.format(['a', 1])")).toBe('a=1');
  });

  test('standard macros and duration used by the CRDs', () => {
    expect(cel("duration('0.5ms') >= duration('1ms')")).toBe(false);
    expect(cel("duration('1h2m') > duration('61m')")).toBe(true);
    expect(cel('self.exists_one(x, x == 1) && self.all(x, x > 0)', [1n, 2n])).toBe(true);
  });
});
