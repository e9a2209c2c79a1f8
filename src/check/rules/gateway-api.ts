/**
 * GAPI-*: Kubernetes Gateway API objects (gateway.networking.k8s.io) as Istio serves them: listeners of a Gateway,
 * route attachment (parentRefs, allowedRoutes, hostnames) and cross-namespace references (ReferenceGrant).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 */
import { keyMatchesCertificate, namesCover, parseCertificateChain, parsePrivateKey, secretValues } from '../certificates';
import { Severity } from '../findings';
import { hostsIntersect } from '../hosts';
import { IndexedObject, MeshIndex } from '../mesh-index';
import { asArray, asNumber, asRecord, asString, asStringArray, isRecord } from '../model';
import { listenersForParentRef, listenersOf } from '../routes/gateway-api';
import { Rule, defineRule } from '../rule';

const GROUP = 'gateway.networking.k8s.io';
const ROUTE_KINDS = ['HTTPRoute', 'TLSRoute', 'TCPRoute'];
const q = (v: unknown) => JSON.stringify(v);
/** Istio's listener option: ISTIO_MUTUAL terminates mTLS from sidecars with the workload certificate. */
const ISTIO_TERMINATE_MODE = 'gateway.istio.io/tls-terminate-mode';

function own(index: MeshIndex, kind: string): IndexedObject[] {
  return index.ofKind(`${kind}.${GROUP}`).filter((o) => !o.isContext);
}

/** Route kinds a listener of the protocol (and TLS mode) serves; empty for protocols this checker does not know. */
function servedKinds(protocol: string, passthrough: boolean): string[] {
  switch (protocol) {
    case 'HTTP': case 'HTTPS': return ['HTTPRoute', 'GRPCRoute'];
    case 'TLS': return passthrough ? ['TLSRoute'] : ['TCPRoute', 'TLSRoute'];
    case 'TCP': return ['TCPRoute'];
    default: return [];
  }
}

function routes(index: MeshIndex): IndexedObject[] {
  return ROUTE_KINDS.flatMap((k) => own(index, k));
}

export const GAPI_LST_001 = defineRule({
  id: 'GAPI-LST-001',
  severity: Severity.ERROR,
  summary: 'Gateway API listener names are unique within a Gateway (routes attach by sectionName)',
  check(ctx) {
    for (const gw of own(ctx.index, 'Gateway')) {
      const seen = new Set<string>();
      listenersOf(gw).forEach((l, i) => {
        if (seen.has(l.name)) {
          ctx.report({ object: gw, path: `spec.listeners[${i}].name`, message: `listener name ${q(l.name)} is used twice; the apiserver rejects the Gateway`, fix: 'give every listener its own name' });
        }
        seen.add(l.name);
      });
    }
  },
});

export const GAPI_LST_002 = defineRule({
  id: 'GAPI-LST-002',
  severity: Severity.ERROR,
  summary: 'No two listeners of a Gateway share port, protocol and hostname (Istio marks them Conflicted and serves only the first)',
  check(ctx) {
    for (const gw of own(ctx.index, 'Gateway')) {
      const seen = new Map<string, string>();
      listenersOf(gw).forEach((l, i) => {
        const key = `${l.port}|${l.protocol}|${(l.hostname ?? '').toLowerCase()}`;
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.report({
            object: gw,
            path: `spec.listeners[${i}]`,
            message: `listener ${q(l.name)} has the port ${l.port}, protocol ${l.protocol} and hostname ${q(l.hostname ?? '*')} of listener ${q(first)}; it is Conflicted and gets no traffic`,
            fix: 'merge the two listeners or give them different hostnames or ports',
          });
        } else {
          seen.set(key, l.name);
        }
      });
    }
  },
});

export const GAPI_TLS_001 = defineRule({
  id: 'GAPI-TLS-001',
  severity: Severity.ERROR,
  summary: 'Protocol, TLS mode and route kinds agree: HTTPS/TLS Terminate have certificateRefs (or Istio\'s ISTIO_MUTUAL option), HTTP/TCP no tls, Passthrough only on TLS, allowedRoutes.kinds served by the protocol',
  check(ctx) {
    for (const gw of own(ctx.index, 'Gateway')) {
      listenersOf(gw).forEach((l, i) => {
        const tls = isRecord(l.spec.tls) ? l.spec.tls : undefined;
        const mode = tls ? asString(tls.mode) ?? 'Terminate' : undefined;
        const path = `spec.listeners[${i}].tls`;
        if ((l.protocol === 'HTTP' || l.protocol === 'TCP' || l.protocol === 'UDP') && tls) {
          ctx.report({ object: gw, path, message: `listener ${q(l.name)} is ${l.protocol} but has tls; it is invalid`, fix: 'remove tls, or use protocol HTTPS/TLS' });
        } else if (l.protocol === 'HTTPS' && mode === 'Passthrough') {
          ctx.report({ object: gw, path: `${path}.mode`, message: `listener ${q(l.name)} is HTTPS with tls.mode Passthrough; HTTPS terminates TLS`, fix: 'use protocol TLS with a TLSRoute for passthrough' });
        } else if ((l.protocol === 'HTTPS' || (l.protocol === 'TLS' && mode === 'Terminate')) && asArray(tls?.certificateRefs).length === 0
          && asString(asRecord(tls?.options)[ISTIO_TERMINATE_MODE]) !== 'ISTIO_MUTUAL') {
          ctx.report({ object: gw, path, message: `listener ${q(l.name)} terminates TLS without certificateRefs; it has no certificate to serve`, fix: 'add certificateRefs to the Secret with tls.crt and tls.key' });
        } else if (l.protocol === 'TLS' && !tls) {
          ctx.report({ object: gw, path, message: `TLS listener ${q(l.name)} has no tls block`, fix: 'set tls.mode Passthrough (TLSRoute) or Terminate with certificateRefs (TCPRoute)' });
        }
        const served = servedKinds(l.protocol, mode === 'Passthrough');
        asArray(asRecord(l.spec.allowedRoutes).kinds).forEach((k, j) => {
          const kind = asString(asRecord(k).kind) ?? '';
          if (!isRecord(k) || (asString(k.group) ?? GROUP) !== GROUP || served.length === 0 || served.includes(kind)) return;
          ctx.report({
            object: gw,
            path: `spec.listeners[${i}].allowedRoutes.kinds[${j}]`,
            message: `listener ${q(l.name)} (${l.protocol}${mode ? ` ${mode}` : ''}) cannot serve ${kind}s (InvalidRouteKinds); it serves ${served.join(', ')}`,
            fix: `list ${served.join(' or ')}, or use a listener of the protocol ${kind} needs`,
          });
        });
      });
    }
  },
});

export const GAPI_ATT_001 = defineRule({
  id: 'GAPI-ATT-001',
  severity: Severity.ERROR,
  summary: 'A route attaches: its parentRef Gateway and sectionName/port exist, the listener serves its kind (HTTPRoute on HTTP/HTTPS, TLSRoute on TLS Passthrough, TCPRoute on TCP or TLS Terminate) and allowedRoutes admit its namespace and kind, its hostnames intersect the listener hostname',
  check(ctx) {
    const index = ctx.index;
    for (const r of routes(index)) {
      const routeNs = r.namespace ?? index.defaultNamespace;
      const hostnames = asArray(r.spec.hostnames).map((h) => String(h).toLowerCase());
      asArray(r.spec.parentRefs).forEach((ref, i) => {
        if (!isRecord(ref)) return;
        if ((asString(ref.group) ?? GROUP) !== GROUP || (asString(ref.kind) ?? 'Gateway') !== 'Gateway') return; // mesh (Service/ServiceEntry) parents
        const path = `spec.parentRefs[${i}]`;
        const sel = listenersForParentRef(index, ref, r);
        const gwName = `${asString(ref.namespace) ?? routeNs}/${asString(ref.name)}`;
        if (!sel) {
          ctx.report({ object: r, path, message: `Gateway ${gwName} is not in the input; the ${r.kind} attaches nowhere`, fix: 'reference an existing Gateway (namespace defaults to the route\'s)' });
          return;
        }
        if (sel.listeners.length === 0) {
          ctx.report({ object: r, path, message: `Gateway ${gwName} has no listener ${asString(ref.sectionName) !== undefined ? `named ${q(ref.sectionName)}` : ''}${asNumber(ref.port) !== undefined ? ` on port ${ref.port}` : ''}`, fix: 'use a sectionName/port of one of its listeners' });
          return;
        }
        const kindOk = sel.listeners.filter((l) => {
          const kinds = asArray(asRecord(l.spec.allowedRoutes).kinds).filter(isRecord).map((k) => asString(k.kind));
          // the kind the protocol and TLS mode serve: allowedRoutes.kinds can only narrow it
          const passthrough = asString(asRecord(l.spec.tls).mode) === 'Passthrough';
          return servedKinds(l.protocol, passthrough).includes(r.kind) && (kinds.length === 0 || kinds.includes(r.kind));
        });
        if (kindOk.length === 0) {
          ctx.report({ object: r, path, message: `no listener of ${gwName} it names admits a ${r.kind} (protocol, TLS mode or allowedRoutes.kinds)`, fix: 'attach HTTPRoutes to HTTP/HTTPS, TLSRoutes to TLS Passthrough and TCPRoutes to TCP listeners' });
          return;
        }
        const nsOk = kindOk.filter((l) => {
          const ns = asRecord(asRecord(l.spec.allowedRoutes).namespaces);
          const from = asString(ns.from) ?? 'Same';
          if (from === 'All') return true;
          if (from === 'Same') return routeNs === (sel.gateway.namespace ?? index.defaultNamespace);
          const exprs = asArray(asRecord(ns.selector).matchExpressions).filter(isRecord);
          const labels = asRecord(asRecord(ns.selector).matchLabels);
          const nsLabels: Record<string, string> = { 'kubernetes.io/metadata.name': routeNs, ...(index.get('Namespace', undefined, routeNs)?.labels ?? {}) };
          return Object.entries(labels).every(([k, v]) => nsLabels[k] === v)
            && exprs.every((e) => e.operator !== 'In' || asArray(e.values).map(String).includes(nsLabels[asString(e.key) ?? '']));
        });
        if (nsOk.length === 0) {
          ctx.report({ object: r, path, message: `the listeners of ${gwName} do not admit routes from namespace ${q(routeNs)} (allowedRoutes.namespaces)`, fix: `admit ${routeNs} in allowedRoutes.namespaces of the listener, or move the route` });
          return;
        }
        if (hostnames.length > 0 && !nsOk.some((l) => l.protocol === 'TCP' || hostnames.some((h) => hostsIntersect(h, (l.hostname ?? '*').toLowerCase())))) {
          ctx.report({
            object: r,
            path: 'spec.hostnames',
            message: `hostnames ${q(hostnames)} intersect no listener hostname of ${gwName} (${nsOk.map((l) => l.hostname ?? '*').join(', ')}); the route is silently not attached`,
            fix: 'use hostnames the listener serves, or change the listener hostname',
          });
        }
      });
    }
  },
});

function granted(index: MeshIndex, fromKind: string, fromNs: string, toGroup: string, toKind: string, toNs: string, toName: string): boolean {
  return index.ofKind(`ReferenceGrant.${GROUP}`).some((g) => (g.namespace ?? index.defaultNamespace) === toNs
    && asArray(g.spec.from).filter(isRecord)
      .some((f) => asString(f.group) === GROUP && asString(f.kind) === fromKind && asString(f.namespace) === fromNs)
    && asArray(g.spec.to).filter(isRecord).some((t) => (asString(t.group) ?? '') === toGroup && asString(t.kind) === toKind && (asString(t.name) === undefined || asString(t.name) === toName)));
}

export const GAPI_REF_001 = defineRule({
  id: 'GAPI-REF-001',
  severity: Severity.ERROR,
  summary: 'A cross-namespace backendRef, certificateRef or caCertificateRef has a ReferenceGrant in the target namespace (checked when the input has objects there)',
  check(ctx) {
    const index = ctx.index;
    const check = (obj: IndexedObject, path: string, ref: Record<string, unknown>, defaultKind: string) => {
      const fromNs = obj.namespace ?? index.defaultNamespace;
      const toNs = asString(ref.namespace);
      if (toNs === undefined || toNs === fromNs) return;
      const group = asString(ref.group) ?? '';
      const kind = asString(ref.kind) ?? defaultKind;
      const name = asString(ref.name) ?? '';
      if (granted(index, obj.kind, fromNs, group, kind, toNs, name)) return;
      // a namespace the input says nothing about may hold its grants elsewhere (another repository)
      if (!index.namespaces().includes(toNs)) return;
      ctx.report({
        object: obj,
        path,
        message: `${kind} ${toNs}/${name} is in another namespace and no ReferenceGrant in ${toNs} allows ${obj.kind}s from ${fromNs} to use it; the reference is refused (RefNotPermitted)`,
        fix: `add a ReferenceGrant in ${toNs} from ${obj.kind} in ${fromNs} to ${kind} ${name}`,
      });
    };
    for (const gw of own(index, 'Gateway')) {
      listenersOf(gw).forEach((l, i) => asArray(asRecord(l.spec.tls).certificateRefs).forEach((c, j) => {
        if (isRecord(c)) check(gw, `spec.listeners[${i}].tls.certificateRefs[${j}]`, c, 'Secret');
      }));
      const frontend = asRecord(asRecord(gw.spec.tls).frontend);
      asArray(asRecord(asRecord(frontend.default).validation).caCertificateRefs).forEach((c, j) => {
        if (isRecord(c)) check(gw, `spec.tls.frontend.default.validation.caCertificateRefs[${j}]`, c, 'ConfigMap');
      });
      asArray(frontend.perPort).forEach((p, i) => asArray(asRecord(asRecord(asRecord(p).tls).validation).caCertificateRefs).forEach((c, j) => {
        if (isRecord(c)) check(gw, `spec.tls.frontend.perPort[${i}].tls.validation.caCertificateRefs[${j}]`, c, 'ConfigMap');
      }));
    }
    for (const r of routes(index)) {
      asArray(r.spec.rules).forEach((rule, i) => asArray(asRecord(rule).backendRefs).forEach((b, j) => {
        if (isRecord(b)) check(r, `spec.rules[${i}].backendRefs[${j}]`, b, 'Service');
      }));
    }
  },
});

/** Annotation of Secrets whose values are managed outside the input (see Credential.fromSecretName). */
const EXTERNAL_SECRET_ANNOTATION = 'cdk8s-istio-gateways.io/external-secret';

export const GAPI_TLS_002 = defineRule({
  id: 'GAPI-TLS-002',
  severity: Severity.ERROR,
  needsContext: true,
  summary: 'A certificateRef Secret exists (when the input declares Secrets in its namespace) with a matching tls.crt/tls.key pair that covers the listener hostname',
  check(ctx) {
    const index = ctx.index;
    const withSecrets = new Set(index.ofKind('Secret').filter((s) => s.group === '').map((s) => s.namespace));
    const certificates = index.ofKind('Certificate.cert-manager.io');
    for (const gw of own(index, 'Gateway')) {
      const gwNs = gw.namespace ?? index.defaultNamespace;
      listenersOf(gw).forEach((l, i) => {
        asArray(asRecord(l.spec.tls).certificateRefs).forEach((ref, j) => {
          if (!isRecord(ref) || (asString(ref.group) ?? '') !== '' || (asString(ref.kind) ?? 'Secret') !== 'Secret') return;
          const ns = asString(ref.namespace) ?? gwNs;
          const name = asString(ref.name) ?? '';
          const path = `spec.listeners[${i}].tls.certificateRefs[${j}]`;
          const host = l.hostname?.toLowerCase();
          const cert = certificates.find((c) => c.namespace === ns && asString(c.spec.secretName) === name);
          if (cert) {
            const names = asStringArray(cert.spec.dnsNames);
            if (host && names.length > 0 && !namesCover(names, host)) {
              ctx.report({ object: gw, path, message: `hostname ${q(host)} is not covered by cert-manager Certificate ${ns}/${cert.name} (dnsNames ${names.join(', ')})`, fix: `add ${q(host)} to the Certificate's dnsNames` });
            }
            return;
          }
          const secret = index.secret(ns, name);
          if (!secret) {
            if (withSecrets.has(ns)) {
              ctx.report({ object: gw, path, message: `Secret ${ns}/${name} is not among the Secrets declared in ${ns}; the listener has no certificate (InvalidCertificateRef)`, fix: `create Secret ${ns}/${name} with tls.crt and tls.key, or fix the reference` });
            }
            return;
          }
          if (secret.annotations[EXTERNAL_SECRET_ANNOTATION] !== undefined) return;
          const values = secretValues(secret.raw);
          const crt = values.get('tls.crt');
          const key = values.get('tls.key');
          if (!crt || !key || crt.problem || key.problem || !crt.text.trim() || !key.text.trim()) {
            ctx.report({ object: gw, path, message: `Secret ${ns}/${name} has no usable tls.crt and tls.key (a kubernetes.io/tls key pair)`, fix: 'put the PEM certificate under tls.crt and the PEM private key under tls.key' });
            return;
          }
          const chain = parseCertificateChain(crt.text);
          const leaf = chain.certificates[0];
          const pk = parsePrivateKey(key.text);
          if (!leaf || chain.problems.length > 0 || pk.problem || !pk.key || !keyMatchesCertificate(leaf, pk.key)) {
            ctx.report({ object: gw, path, message: `Secret ${ns}/${name}: ${chain.problems[0] ?? pk.problem ?? 'tls.key does not match the certificate in tls.crt'}`, fix: 'put a matching PEM certificate and private key under tls.crt and tls.key' });
            return;
          }
          if (host && !namesCover(leaf.names, host)) {
            ctx.report({ object: gw, path, message: `hostname ${q(host)} is not covered by the certificate in Secret ${ns}/${name}, which names ${leaf.names.join(', ')}`, fix: `issue the certificate with ${q(host)} as a subjectAltName` });
          }
        });
      });
    }
  },
});

/** True when the input describes the namespace's application Services (not only a gateway's own Service). */
function servicesKnown(index: MeshIndex, ns: string): boolean {
  return index.servicesIn(ns).some((s) => s.origin === 'manifest' && !s.object?.isContext && index.workloadsForService(s).length === 0);
}

export const GAPI_BE_001 = defineRule({
  id: 'GAPI-BE-001',
  severity: Severity.ERROR,
  needsContext: true,
  summary: 'A Service backendRef names a Service and port that exist (checked when the input declares the namespace\'s Services)',
  check(ctx) {
    const index = ctx.index;
    for (const r of routes(index)) {
      const routeNs = r.namespace ?? index.defaultNamespace;
      asArray(r.spec.rules).forEach((rule, i) => asArray(asRecord(rule).backendRefs).forEach((b, j) => {
        if (!isRecord(b) || (asString(b.group) ?? '') !== '' || (asString(b.kind) ?? 'Service') !== 'Service') return;
        const ns = asString(b.namespace) ?? routeNs;
        const name = asString(b.name) ?? '';
        const port = asNumber(b.port);
        const path = `spec.rules[${i}].backendRefs[${j}]`;
        const svc = index.service(ns, name);
        if (!svc) {
          if (servicesKnown(index, ns)) {
            ctx.report({ object: r, path, message: `Service ${ns}/${name} is not in the input; the backend is unresolved and its share of requests gets 500`, fix: 'fix the name or namespace, or add the Service' });
          }
          return;
        }
        if (port !== undefined && !svc.ports.some((p) => p.port === port)) {
          ctx.report({ object: r, path: `${path}.port`, message: `Service ${ns}/${name} has no port ${port} (ports ${svc.ports.map((p) => p.port).join(', ')})`, fix: 'use a port of the Service (its port, not the targetPort)' });
        }
      }));
    }
  },
});

const GATEWAY_POD_LABELS = ['gateway.networking.k8s.io/gateway-name', 'istio.io/gateway-name'];
const POLICY_KINDS = ['Telemetry', 'AuthorizationPolicy', 'RequestAuthentication', 'WasmPlugin', 'PeerAuthentication'];

export const GAPI_POL_001 = defineRule({
  id: 'GAPI-POL-001',
  severity: Severity.WARNING,
  summary: 'Policies for Gateway API gateways use targetRefs to the Gateway, not a selector on the labels of the pods Istio deploys for it',
  check(ctx) {
    for (const kind of POLICY_KINDS) {
      for (const p of ctx.index.ofKind(kind).filter((o) => !o.isContext && o.group.endsWith('istio.io'))) {
        const labels = asRecord(asRecord(p.spec.selector).matchLabels);
        const key = GATEWAY_POD_LABELS.find((k) => k in labels);
        if (!key) continue;
        ctx.report({
          object: p,
          path: `spec.selector.matchLabels[${q(key)}]`,
          message: `${kind} selects the pods of Gateway ${q(labels[key])} by the label ${key}; the labels of deployed gateway pods are an implementation detail, and a selector policy ignores the Gateway's lifecycle`,
          fix: `replace selector with targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: ${String(labels[key])} }]`,
        });
      }
    }
  },
});

export const GAPI_ADDR_001 = defineRule({
  id: 'GAPI-ADDR-001',
  severity: Severity.ERROR,
  needsContext: true,
  summary: 'A Gateway bound through spec.addresses (Hostname) names a gateway Service, and every listener port is a port (or targetPort) of that Service',
  check(ctx) {
    const index = ctx.index;
    for (const gw of own(index, 'Gateway')) {
      asArray(gw.spec.addresses).forEach((a, i) => {
        if (!isRecord(a) || asString(a.type) !== 'Hostname') return;
        const value = asString(a.value) ?? '';
        const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(value);
        if (!m) return; // an external hostname: nothing to check here
        const svc = index.servicesIn(m[2]).find((x) => x.name === m[1]);
        if (!svc) {
          if (index.servicesIn(m[2]).length > 0) {
            ctx.report({ object: gw, path: `spec.addresses[${i}].value`, message: `${q(value)} names no Service in ${m[2]}; the Gateway binds to no gateway pods`, fix: 'use the FQDN of the installed gateway Service, e.g. istio-ingressgateway.istio-system.svc.cluster.local' });
          }
          return;
        }
        const ports = new Set(svc.ports.map((p) => p.port));
        // as for Istio Gateway servers, a listener on a targetPort is served too (clients reach it through the Service port)
        const targets = new Set(svc.ports.map((p) => p.targetPort ?? p.port));
        listenersOf(gw).forEach((l, j) => {
          if (ports.has(l.port) || targets.has(l.port)) return;
          ctx.report({
            object: gw,
            path: `spec.listeners[${j}].port`,
            message: `listener ${q(l.name)} port ${l.port} is not a port of Service ${svc.namespace}/${svc.name} (${[...ports].sort((x, y) => x - y).join(', ')}); clients cannot reach it`,
            fix: `use one of the Service ports, or add port ${l.port} to the gateway Service (IstioOperator: k8s.service.ports)`,
          });
        });
      });
    }
  },
});

/** Gateway API rules, in the README table order. */
export const GATEWAY_API_RULES: readonly Rule[] = [
  GAPI_LST_001, GAPI_LST_002, GAPI_TLS_001, GAPI_TLS_002, GAPI_ADDR_001, GAPI_ATT_001, GAPI_REF_001, GAPI_BE_001, GAPI_POL_001,
];
