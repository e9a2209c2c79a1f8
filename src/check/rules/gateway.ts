/**
 * GW-*: rules on a single Istio Gateway (section 1 of shared/ISTIO-RULES.md). Webhook/CRD-schema semantics.
 */
import { Severity } from '../findings';
import { classifyHost, isDnsLabel, isIpAddress, parseServerHost } from '../hosts';
import { GatewayServer, IndexedObject, MeshIndex, describeWorkload, isHttpFamily } from '../mesh-index';
import { asArray, asRecord, asString, isRecord } from '../model';
import { Rule, RuleContext, defineRule } from '../rule';

const VALID_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-WEB', 'TCP', 'TLS', 'MONGO', 'REDIS', 'MYSQL']);
const CERT_FIELDS = ['credentialName', 'credentialNames', 'serverCertificate', 'privateKey', 'caCertificates', 'tlsCertificates', 'caCrl'] as const;
/** Envoy/BoringSSL cipher suites Istio accepts (pkg/config/security ValidCipherSuites). */
const VALID_CIPHERS = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA',
]);

/** Istio Gateways that are not context objects. */
export function ownGateways(index: MeshIndex): IndexedObject[] {
  return index.gateways().filter((g) => !g.isContext);
}

/** Calls `fn` for every server of every own Gateway. */
function eachServer(ctx: RuleContext, fn: (s: GatewayServer, raw: Record<string, unknown>) => void): void {
  for (const gw of ownGateways(ctx.index)) {
    const raws = asArray(gw.spec.servers);
    for (const s of ctx.index.serversOf(gw)) fn(s, asRecord(raws[s.index]));
  }
}

/** Calls `fn` for every server with a tls block. */
function eachTls(ctx: RuleContext, fn: (s: GatewayServer, tls: Record<string, unknown>, mode: string) => void): void {
  eachServer(ctx, (s) => {
    if (s.tls) fn(s, s.tls, s.tlsMode ?? 'PASSTHROUGH');
  });
}

function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false) return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

function certFieldsSet(tls: Record<string, unknown>): string[] {
  return CERT_FIELDS.filter((f) => isSet(tls[f]));
}

const q = (v: unknown) => JSON.stringify(v);

export const GW_NAME_001 = defineRule({
  id: 'GW-NAME-001',
  severity: Severity.ERROR,
  summary: 'Gateway name is a DNS-1123 label (no dots)',
  check(ctx) {
    for (const gw of ownGateways(ctx.index)) {
      if (isDnsLabel(gw.name)) continue;
      ctx.report({
        object: gw,
        path: 'metadata.name',
        message: `gateway name ${q(gw.name)} is not a DNS-1123 label (lowercase letters, digits and '-', at most 63, no dots)`,
        fix: `rename it, e.g. ${q(gw.name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'my-gateway')}`,
      });
    }
  },
});

export const GW_SRV_001 = defineRule({
  id: 'GW-SRV-001',
  severity: Severity.ERROR,
  summary: 'A Gateway has at least one server',
  check(ctx) {
    for (const gw of ownGateways(ctx.index)) {
      if (asArray(gw.spec.servers).length > 0) continue;
      ctx.report({
        object: gw,
        path: 'spec.servers',
        message: 'spec.servers is empty: the gateway defines no listener',
        fix: 'add a server with port, hosts (and tls for HTTPS/TLS), or delete the Gateway',
      });
    }
  },
});

export const GW_PORT_001 = defineRule({
  id: 'GW-PORT-001',
  severity: Severity.ERROR,
  summary: 'Server port needs number (1–65535), protocol and name',
  check(ctx) {
    eachServer(ctx, (s, raw) => {
      const port = raw.port;
      if (!isRecord(port)) {
        ctx.report({ object: s.gateway, path: `${s.path}.port`, message: port === undefined || port === null ? `${s.path}.port is missing` : `${s.path}.port is ${q(port)}, not an object`, fix: 'set port: {number, protocol, name}, e.g. {number: 80, protocol: HTTP, name: http}' });
        return;
      }
      const n = port.number;
      if (n === undefined || n === null) {
        ctx.report({ object: s.gateway, path: `${s.path}.port.number`, message: 'port.number is missing', fix: 'set port.number to the port clients connect to (1–65535)' });
      } else if (typeof n === 'string') {
        ctx.report({ object: s.gateway, path: `${s.path}.port.number`, message: `port.number is the string ${q(n)}; the schema requires an integer, so the apiserver rejects the Gateway`, fix: /^\d+$/.test(n) ? `write it unquoted: number: ${Number(n)}` : 'use a port number between 1 and 65535' });
      } else if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535 || (n === 0 && !(s.bind ?? '').startsWith('unix://'))) {
        ctx.report({ object: s.gateway, path: `${s.path}.port.number`, message: `port.number ${q(n)} is not a port in 1–65535`, fix: 'use a port number between 1 and 65535 (0 only with a unix:// bind)' });
      }
      if (typeof port.protocol !== 'string' || port.protocol === '') {
        ctx.report({ object: s.gateway, path: `${s.path}.port.protocol`, message: absent(port.protocol) ? 'port.protocol is missing' : `port.protocol ${q(port.protocol)} is not a string`, fix: 'set port.protocol, e.g. HTTP, HTTPS, TCP or TLS' });
      }
      if (typeof port.name !== 'string' || port.name === '') {
        ctx.report({ object: s.gateway, path: `${s.path}.port.name`, message: absent(port.name) ? 'port.name is missing' : `port.name ${q(port.name)} is not a string`, fix: 'set a port.name unique within the Gateway, e.g. http or https-example' });
      }
    });
  },
});

/** GW-PORT-001: a port field that is not there at all (as opposed to one of the wrong type). */
function absent(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

export const GW_PORT_002 = defineRule({
  id: 'GW-PORT-002',
  severity: Severity.ERROR,
  summary: 'port.name is unique within the Gateway',
  check(ctx) {
    for (const gw of ownGateways(ctx.index)) {
      const first = new Map<string, number>();
      for (const s of ctx.index.serversOf(gw)) {
        const name = s.port.name;
        if (!name) continue;
        const prev = first.get(name);
        if (prev === undefined) {
          first.set(name, s.index);
          continue;
        }
        ctx.report({
          object: gw,
          path: `${s.path}.port.name`,
          message: `port.name ${q(name)} is already used by spec.servers[${prev}]`,
          fix: `give each server its own port name, e.g. ${q(`${name}-${s.index}`)}`,
        });
      }
    }
  },
});

export const GW_PORT_003 = defineRule({
  id: 'GW-PORT-003',
  severity: Severity.ERROR,
  summary: 'Protocol is one of HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL',
  check(ctx) {
    eachServer(ctx, (s, raw) => {
      const p = asRecord(raw.port).protocol;
      if (typeof p !== 'string' || p === '' || VALID_PROTOCOLS.has(p.toUpperCase())) return;
      ctx.report({
        object: s.gateway,
        path: `${s.path}.port.protocol`,
        message: `port.protocol ${q(p)} is not a gateway protocol`,
        fix: `use one of ${Array.from(VALID_PROTOCOLS).join(', ')}`,
      });
    });
  },
});

export const GW_PORT_004 = defineRule({
  id: 'GW-PORT-004',
  severity: Severity.ERROR,
  summary: 'port.targetPort must be unset on Gateway servers',
  check(ctx) {
    eachServer(ctx, (s, raw) => {
      const tp = asRecord(raw.port).targetPort;
      if (tp === undefined || tp === null || tp === 0) return;
      ctx.report({
        object: s.gateway,
        path: `${s.path}.port.targetPort`,
        message: `port.targetPort ${q(tp)} is set; gateway servers take no targetPort`,
        fix: 'remove targetPort: the gateway Service maps ports to the pod (server port N listens on the Service targetPort of port N)',
      });
    });
  },
});

export const GW_HOST_001 = defineRule({
  id: 'GW-HOST-001',
  severity: Severity.ERROR,
  summary: 'Server hosts: ≥1, `[ns/]host` with ns `*`, `.` or a DNS label and host an FQDN, `*`, `*.suffix` or IP',
  check(ctx) {
    eachServer(ctx, (s, raw) => {
      const hosts = asArray(raw.hosts);
      if (hosts.length === 0) {
        ctx.report({ object: s.gateway, path: `${s.path}.hosts`, message: 'server has no hosts', fix: 'list the hosts this server accepts, e.g. ["app.example.com"]' });
        return;
      }
      // (the path is written only for a finding: a tenant Gateway has thousands of hosts; each string host is read as
      // the index parsed it, found by its index in spec.servers[i].hosts, else parsed here)
      let parsed = 0;
      for (let i = 0; i < hosts.length; i++) {
        const h = hosts[i];
        if (typeof h !== 'string') {
          ctx.report({ object: s.gateway, path: hostPath(s, i), message: `host ${q(h)} is not a string`, fix: 'write the host as a string, e.g. "app.example.com"' });
          continue;
        }
        const { namespace, host } = s.hosts[parsed]?.index === i ? s.hosts[parsed++] : parseServerHost(h);
        const slash = h.indexOf('/');
        if (slash >= 0 && h.indexOf('/', slash + 1) >= 0) {
          ctx.report({ object: s.gateway, path: hostPath(s, i), message: `host ${q(h)} has more than one '/'`, fix: 'use [namespace/]host, e.g. "bookinfo/app.example.com"' });
          continue;
        }
        if (namespace !== '*' && namespace !== '.' && !isDnsLabel(namespace)) {
          ctx.report({ object: s.gateway, path: hostPath(s, i), message: `host ${q(h)} has an invalid namespace part ${q(namespace)}`, fix: 'use "*/host", "./host" or "<namespace>/host" with a DNS-label namespace' });
          continue;
        }
        const c = classifyHost(host);
        if ('invalid' in c) {
          ctx.report({ object: s.gateway, path: hostPath(s, i), message: `host ${q(h)} ${c.invalid}`, fix: 'use an FQDN (app.example.com), a leading wildcard (*.example.com), * or an IP' });
        } else if (c.kind === 'short') {
          ctx.report({ object: s.gateway, path: hostPath(s, i), message: `host ${q(h)} is a short name, which gateways reject`, fix: `use a fully qualified domain name such as ${q(`${host}.example.com`)}` });
        }
      }
    });
  },
});

const hostPath = (s: GatewayServer, i: number): string => `${s.path}.hosts[${i}]`;

export const GW_BIND_001 = defineRule({
  id: 'GW-BIND-001',
  severity: Severity.ERROR,
  summary: '`bind` is an IP address or an absolute `unix://` path (then port 0)',
  check(ctx) {
    eachServer(ctx, (s, raw) => {
      const bind = raw.bind;
      if (bind === undefined || bind === null || bind === '') return;
      const path = `${s.path}.bind`;
      if (typeof bind !== 'string') {
        ctx.report({ object: s.gateway, path, message: `bind ${q(bind)} is not a string`, fix: 'use an IP address such as "0.0.0.0" or remove bind' });
      } else if (bind.startsWith('unix://')) {
        const p = bind.slice('unix://'.length);
        if (!p.startsWith('/') && !p.startsWith('@')) {
          ctx.report({ object: s.gateway, path, message: `bind ${q(bind)} is not an absolute unix socket path`, fix: 'use unix:///absolute/path (or unix://@abstract)' });
        } else if (s.port.number !== undefined && s.port.number !== 0) {
          ctx.report({ object: s.gateway, path: `${s.path}.port.number`, message: `bind ${q(bind)} is a unix socket but port.number is ${s.port.number}`, fix: 'set port.number to 0 for a unix:// bind' });
        }
      } else if (!isIpAddress(bind)) {
        ctx.report({ object: s.gateway, path, message: `bind ${q(bind)} is neither an IP address nor a unix:// path`, fix: 'use an IP address such as "0.0.0.0", a unix:// path, or remove bind' });
      }
    });
  },
});

export const GW_TLS_001 = defineRule({
  id: 'GW-TLS-001',
  severity: Severity.ERROR,
  summary: 'HTTPS/TLS servers need a `tls` block',
  check(ctx) {
    eachServer(ctx, (s) => {
      if ((s.port.protocol === 'HTTPS' || s.port.protocol === 'TLS') && !s.tls) {
        ctx.report({
          object: s.gateway,
          path: `${s.path}.tls`,
          message: `server on port ${s.port.number ?? '?'} (${s.port.protocol}) has no tls block`,
          fix: 'add tls, e.g. {mode: SIMPLE, credentialName: <secret in the gateway pod namespace>} or {mode: PASSTHROUGH}',
        });
      }
    });
  },
});

export const GW_TLS_002 = defineRule({
  id: 'GW-TLS-002',
  severity: Severity.ERROR,
  summary: 'HTTP-family servers take only `tls.httpsRedirect`; TCP/MONGO/REDIS/MYSQL take no `tls`',
  check(ctx) {
    eachServer(ctx, (s) => {
      if (!s.tls) return;
      const p = s.port.protocol;
      if (isHttpFamily(p)) {
        const extra = Object.keys(s.tls).filter((k) => k !== 'httpsRedirect' && isSet(s.tls![k])).sort();
        if (extra.length === 0) return;
        ctx.report({
          object: s.gateway,
          path: `${s.path}.tls.${extra[0]}`,
          message: `server on port ${s.port.number ?? '?'} (${p}) sets tls.${extra.join(', tls.')}; plaintext servers only take tls.httpsRedirect`,
          fix: 'change port.protocol to HTTPS to terminate TLS, or keep only tls.httpsRedirect',
        });
      } else if (['TCP', 'MONGO', 'REDIS', 'MYSQL'].includes(p)) {
        ctx.report({
          object: s.gateway,
          path: `${s.path}.tls`,
          message: `server on port ${s.port.number ?? '?'} (${p}) has a tls block`,
          fix: 'use protocol TLS to terminate or pass through TLS, or remove tls',
        });
      }
    });
  },
});

export const GW_TLS_003 = defineRule({
  id: 'GW-TLS-003',
  severity: Severity.WARNING,
  summary: '`httpsRedirect` only acts on HTTP servers',
  check(ctx) {
    eachTls(ctx, (s, tls) => {
      if (tls.httpsRedirect !== true || isHttpFamily(s.port.protocol)) return;
      ctx.report({
        object: s.gateway,
        path: `${s.path}.tls.httpsRedirect`,
        message: `tls.httpsRedirect is set on a ${s.port.protocol || 'non-HTTP'} server, where it does nothing`,
        fix: 'put httpsRedirect on a separate HTTP server (port 80) for the same hosts, and remove it here',
      });
    });
  },
});

export const GW_TLS_004 = defineRule({
  id: 'GW-TLS-004',
  severity: Severity.ERROR,
  summary: 'Omitted `tls.mode` means PASSTHROUGH: certificates are ignored and `http` routes stop applying',
  check(ctx) {
    eachTls(ctx, (s, tls) => {
      if (tls.mode !== undefined && tls.mode !== null && tls.mode !== '') return;
      if (isHttpFamily(s.port.protocol)) return; // httpsRedirect-only block
      const certs = certFieldsSet(tls);
      if (s.port.protocol === 'TLS' && certs.length === 0) return; // plain SNI passthrough, as intended
      ctx.report({
        object: s.gateway,
        path: `${s.path}.tls`,
        message: certs.length
          ? `tls.mode is not set, so it is PASSTHROUGH and tls.${certs.join(', tls.')} ${certs.length > 1 ? 'are' : 'is'} ignored`
          : `server on port ${s.port.number ?? '?'} (${s.port.protocol}) has no tls.mode, so it is PASSTHROUGH: http routes do not apply to it`,
        fix: 'set tls.mode: SIMPLE (or MUTUAL) to terminate TLS, or PASSTHROUGH explicitly with protocol TLS and tls routes',
      });
    });
  },
});

export const GW_TLS_005 = defineRule({
  id: 'GW-TLS-005',
  severity: Severity.ERROR,
  summary: 'ISTIO_MUTUAL carries no certificate, key, CA or credential fields',
  check(ctx) {
    eachTls(ctx, (s, tls, mode) => {
      if (mode !== 'ISTIO_MUTUAL') return;
      const certs = certFieldsSet(tls);
      if (certs.length === 0) return;
      ctx.report({
        object: s.gateway,
        path: `${s.path}.tls.${certs[0]}`,
        message: `tls.mode ISTIO_MUTUAL uses the mesh certificates, but tls.${certs.join(', tls.')} ${certs.length > 1 ? 'are' : 'is'} set`,
        fix: `remove tls.${certs.join(', tls.')}, or use mode SIMPLE/MUTUAL with a credentialName`,
      });
    });
  },
});

export const GW_TLS_006 = defineRule({
  id: 'GW-TLS-006',
  severity: Severity.ERROR,
  summary: 'One certificate source: credentialName | credentialNames | serverCertificate+privateKey | tlsCertificates',
  check(ctx) {
    eachTls(ctx, (s, tls) => {
      const sources: string[] = [];
      if (isSet(tls.credentialName)) sources.push('credentialName');
      if (isSet(tls.credentialNames)) sources.push('credentialNames');
      if (isSet(tls.serverCertificate) || isSet(tls.privateKey)) sources.push('serverCertificate/privateKey');
      if (isSet(tls.tlsCertificates)) sources.push('tlsCertificates');
      if (sources.length < 2) return;
      ctx.report({
        object: s.gateway,
        path: `${s.path}.tls`,
        message: `tls sets ${sources.length} certificate sources (${sources.join(', ')}); only one is allowed`,
        fix: 'keep one source, preferably credentialName (a Secret in the gateway pod namespace)',
      });
    });
  },
});

export const GW_TLS_007 = defineRule({
  id: 'GW-TLS-007',
  severity: Severity.ERROR,
  summary: 'File-based SIMPLE/MUTUAL/OPTIONAL_MUTUAL need serverCertificate+privateKey; MUTUAL also caCertificates',
  check(ctx) {
    eachTls(ctx, (s, tls, mode) => {
      if (mode !== 'SIMPLE' && mode !== 'MUTUAL' && mode !== 'OPTIONAL_MUTUAL') return;
      const byCredential = isSet(tls.credentialName) || isSet(tls.credentialNames);
      if (byCredential) return;
      const missing: string[] = [];
      if (!isSet(tls.tlsCertificates)) {
        if (!isSet(tls.serverCertificate)) missing.push('serverCertificate');
        if (!isSet(tls.privateKey)) missing.push('privateKey');
      }
      if (mode !== 'SIMPLE' && !isSet(tls.caCertificates)) missing.push('caCertificates');
      if (missing.length === 0) return;
      ctx.report({
        object: s.gateway,
        path: `${s.path}.tls`,
        message: `tls.mode ${mode} without credentialName needs tls.${missing.join(', tls.')}`,
        fix: 'set tls.credentialName to a Secret in the gateway pod namespace (recommended), or the missing file paths',
      });
    });
  },
});

export const GW_TLS_008 = defineRule({
  id: 'GW-TLS-008',
  severity: Severity.ERROR,
  summary: 'credentialNames/tlsCertificates have 1–2 entries',
  check(ctx) {
    eachTls(ctx, (s, tls) => {
      for (const f of ['credentialNames', 'tlsCertificates']) {
        const v = tls[f];
        if (!Array.isArray(v) || (v.length >= 1 && v.length <= 2)) continue;
        ctx.report({
          object: s.gateway,
          path: `${s.path}.tls.${f}`,
          message: `tls.${f} has ${v.length} entries; 1 or 2 are allowed (one RSA and one ECDSA certificate)`,
          fix: `list one or two entries in tls.${f}, or split hosts across servers`,
        });
      }
    });
  },
});

export const GW_TLS_009 = defineRule({
  id: 'GW-TLS-009',
  severity: Severity.ERROR,
  summary: '`caCrl` not with credentialName (use `ca.crl` in the secret) nor with SIMPLE',
  check(ctx) {
    eachTls(ctx, (s, tls, mode) => {
      if (!isSet(tls.caCrl)) return;
      if (isSet(tls.credentialName) || isSet(tls.credentialNames)) {
        ctx.report({
          object: s.gateway,
          path: `${s.path}.tls.caCrl`,
          message: 'tls.caCrl is set together with a credentialName',
          fix: 'put the CRL into the credential Secret under key ca.crl and remove tls.caCrl',
        });
      } else if (mode === 'SIMPLE') {
        ctx.report({
          object: s.gateway,
          path: `${s.path}.tls.caCrl`,
          message: 'tls.caCrl is set on a SIMPLE server, which verifies no client certificates',
          fix: 'remove tls.caCrl, or use mode MUTUAL with caCertificates',
        });
      }
    });
  },
});

export const GW_TLS_010 = defineRule({
  id: 'GW-TLS-010',
  severity: Severity.WARNING,
  summary: 'PASSTHROUGH/AUTO_PASSTHROUGH servers ignore certificate fields',
  check(ctx) {
    eachTls(ctx, (s, tls, mode) => {
      if (tls.mode === undefined || (mode !== 'PASSTHROUGH' && mode !== 'AUTO_PASSTHROUGH')) return; // omitted: GW-TLS-004
      const certs = certFieldsSet(tls);
      if (certs.length === 0) return;
      ctx.report({
        object: s.gateway,
        path: `${s.path}.tls.${certs[0]}`,
        message: `tls.mode ${mode} forwards TLS untouched, so tls.${certs.join(', tls.')} ${certs.length > 1 ? 'are' : 'is'} ignored`,
        fix: `remove tls.${certs.join(', tls.')}, or set mode SIMPLE to terminate TLS at the gateway`,
      });
    });
  },
});

export const GW_TLS_011 = defineRule({
  id: 'GW-TLS-011',
  severity: Severity.WARNING,
  summary: 'TLS 1.0/1.1 minimum without cipherSuites; invalid/duplicate ciphers; SAN/hash pinning without (OPTIONAL_)MUTUAL',
  check(ctx) {
    eachTls(ctx, (s, tls, mode) => {
      const min = asString(tls.minProtocolVersion)?.toUpperCase();
      if ((min === 'TLSV1_0' || min === 'TLSV1_1') && !isSet(tls.cipherSuites)) {
        ctx.report({
          object: s.gateway,
          path: `${s.path}.tls.minProtocolVersion`,
          message: `tls.minProtocolVersion ${min} without cipherSuites enables legacy ciphers`,
          fix: 'use TLSV1_2 (or TLSV1_3), or restrict tls.cipherSuites to ECDHE AEAD suites',
        });
      }
      const seen = new Set<string>();
      asArray(tls.cipherSuites).forEach((c, i) => {
        const path = `${s.path}.tls.cipherSuites[${i}]`;
        if (typeof c !== 'string' || !VALID_CIPHERS.has(c)) {
          ctx.report({ object: s.gateway, path, message: `cipher suite ${q(c)} is not supported and is dropped`, fix: 'use Envoy cipher names such as ECDHE-RSA-AES256-GCM-SHA384' });
        } else if (seen.has(c)) {
          ctx.report({ object: s.gateway, path, message: `cipher suite ${q(c)} is listed twice`, fix: 'remove the duplicate' });
        }
        if (typeof c === 'string') seen.add(c);
      });
      if (mode !== 'MUTUAL' && mode !== 'OPTIONAL_MUTUAL') {
        for (const f of ['subjectAltNames', 'verifyCertificateSpki', 'verifyCertificateHash']) {
          if (!isSet(tls[f])) continue;
          ctx.report({
            object: s.gateway,
            path: `${s.path}.tls.${f}`,
            message: `tls.${f} only checks client certificates, but tls.mode is ${mode}`,
            fix: `use mode MUTUAL (or OPTIONAL_MUTUAL) with a CA, or remove tls.${f}`,
          });
        }
      }
    });
  },
});

export const GW_SEL_001 = defineRule({
  id: 'GW-SEL-001',
  severity: Severity.WARNING,
  summary: 'An empty selector targets every gateway workload',
  check(ctx) {
    for (const gw of ownGateways(ctx.index)) {
      if (Object.keys(ctx.index.gatewaySelector(gw)).length > 0) continue;
      const all = ctx.index.workloadsFor(gw);
      ctx.report({
        object: gw,
        path: 'spec.selector',
        message: `selector is empty, so the gateway configures every gateway workload${all.length ? ` (${all.map(describeWorkload).join('; ')})` : ''}`,
        fix: 'select one workload, e.g. selector: {istio: ingressgateway}',
      });
    }
  },
});

export const GW_SEC_001 = defineRule({
  id: 'GW-SEC-001',
  severity: Severity.WARNING,
  summary: '`hosts: ["*"]`/`*/*` lets any VirtualService in any namespace bind; prefer exact hosts or `ns/*`',
  check(ctx) {
    eachServer(ctx, (s) => {
      for (const h of s.hosts) {
        if (h.host !== '*' || h.namespace !== '*') continue;
        ctx.report({
          object: s.gateway,
          path: `${s.path}.hosts[${h.index}]`,
          message: `host ${q(h.raw)} admits VirtualServices for any host from any namespace`,
          fix: 'list the exact hosts served (app.example.com) or scope it (bookinfo/*, ./*), and restrict who may create Gateways and VirtualServices',
        });
      }
    });
  },
});

export const GW_SEC_002 = defineRule({
  id: 'GW-SEC-002',
  severity: Severity.WARNING,
  summary: 'AUTO_PASSTHROUGH on an internet-facing gateway exposes every mesh service',
  needsContext: true,
  check(ctx) {
    eachTls(ctx, (s, _tls, mode) => {
      if (mode !== 'AUTO_PASSTHROUGH') return;
      const facing = ctx.index.workloadsFor(s.gateway).filter(
        (w) => ctx.index.isExternallyExposed(w) && w.labels['topology.istio.io/network'] === undefined && !(w.labels.istio ?? '').includes('eastwest'),
      );
      if (facing.length === 0) return;
      ctx.report({
        object: s.gateway,
        path: `${s.path}.tls.mode`,
        message: `tls.mode AUTO_PASSTHROUGH on an internet-facing gateway (${facing.map(describeWorkload).join('; ')}) lets clients reach any mesh service by SNI`,
        fix: 'use AUTO_PASSTHROUGH only on a dedicated east-west gateway (label topology.istio.io/network); use PASSTHROUGH with tls routes here',
      });
    });
  },
});

/** GW-* rules in spec order. */
export const GATEWAY_RULES: readonly Rule[] = [
  GW_NAME_001, GW_SRV_001, GW_PORT_001, GW_PORT_002, GW_PORT_003, GW_PORT_004, GW_HOST_001, GW_BIND_001,
  GW_TLS_001, GW_TLS_002, GW_TLS_003, GW_TLS_004, GW_TLS_005, GW_TLS_006, GW_TLS_007, GW_TLS_008, GW_TLS_009,
  GW_TLS_010, GW_TLS_011, GW_SEL_001, GW_SEC_001, GW_SEC_002,
];

