/**
 * SEC-*: the Secrets behind Gateway `credentialName`s (section 3 of shared/ISTIO-RULES.md), plus two rules of the
 * same family that the spec folds into prose: SEC-SAN-001 (certificate names cover the server hosts) and SEC-EXP-001
 * (certificate expires within 30 days).
 *
 * Only secrets present in the input are inspected. Secrets are commonly managed out of band, so a credentialName
 * whose secret is not in the input is reported (SEC-NS-001) only when the secret sits in another namespace of the
 * input, or when the input declares Secrets in the gateway pod namespace at all. A cert-manager Certificate whose
 * `secretName` is the credential counts as the secret being present (its namespace and dnsNames stand in for it).
 *
 * Secrets are looked up in the namespace of the gateway **pods** ({@link MeshIndex.workloadsFor}), not the Gateway's.
 */
import {
  CertificateInfo,
  ChainResult,
  SecretValue,
  daysUntilExpiry,
  isoDay,
  keyMatchesCertificate,
  namesCover,
  parseCertificateChain,
  parsePrivateKey,
  secretValues,
  validityAt,
} from '../certificates';
import { Severity } from '../findings';
import { GatewayServer, IndexedObject, MeshIndex } from '../mesh-index';
import { asArray, asRecord, asString, asStringArray, asStringMap, isRecord } from '../model';
import { Report, RuleContext, defineRule } from '../rule';

const q = (v: unknown) => JSON.stringify(v);
const TERMINATING = new Set(['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL']);
const MUTUAL = new Set(['MUTUAL', 'OPTIONAL_MUTUAL']);
/** Days before expiry at which SEC-EXP-001 warns. */
export const EXPIRY_WARNING_DAYS = 30;

// ---------------------------------------------------------------------------------------------------------------
// Facts shared by the SEC rules, derived once per index
// ---------------------------------------------------------------------------------------------------------------

/** A credential name a terminating Gateway server uses; its path is written only for a finding. */
class CredentialUse {
  /** {@link credential} of `name` in each of {@link podNamespaces}: see {@link credentialsOf}. */
  public found?: readonly (Credential | undefined)[] = undefined;

  constructor(
    public readonly gateway: IndexedObject,
    public readonly server: GatewayServer,
    /** -1 for `tls.credentialName`, else the index in `tls.credentialNames` */
    public readonly entry: number,
    /** Secret name, `kubernetes://` prefix stripped. */
    public readonly name: string,
    public readonly mode: string,
    /** Namespaces of the gateway pods the Gateway selects (where the secret must be). */
    public readonly podNamespaces: readonly string[],
  ) {}

  /** `spec.servers[i].tls.credentialName` or `…credentialNames[k]`. */
  public get path(): string {
    return this.entry < 0 ? `${this.server.path}.tls.credentialName` : `${this.server.path}.tls.credentialNames[${this.entry}]`;
  }
}

/** A credential as found in the input: a Secret, or a cert-manager Certificate that will write it. */
type Credential =
  | { readonly kind: 'secret'; readonly object: IndexedObject }
  | { readonly kind: 'certificate'; readonly object: IndexedObject; readonly names: readonly string[] };

/** A key pair read from a Secret. */
interface PairInspection {
  /** The keys Istio would use, if a complete pair is present. */
  readonly cert?: SecretValue;
  readonly key?: SecretValue;
  /** Problems of the key layout / parsing / matching / validity (SEC-KEY-001), each with its path. */
  readonly problems: readonly PairProblem[];
  readonly chain: readonly CertificateInfo[];
}

/** A key-pair problem; `istioctl` marks those istioctl's IST0161 also detects (keys, certificate parse, leaf validity). */
interface PairProblem {
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  readonly istioctl: boolean;
}

interface SecretFacts {
  readonly uses: readonly CredentialUse[];
  /** cert-manager Certificates by `secretName`, the first per namespace: see {@link certificateFor}. */
  readonly certificates: Map<string, IndexedObject | IndexedObject[]>;
  /** secret name → namespaces where a Secret or Certificate with that name is: see {@link namespacesOf}. */
  namespacesOf?: Map<string, Set<string>>;
  /** {@link referencedSecrets}, found on first use. */
  referenced?: Map<IndexedObject, CredentialUse[]>;
  /** Namespaces in which the input declares at least one Secret. */
  readonly namespacesWithSecrets: Set<string>;
  /** Per secret, keyed by the `now` it was inspected at (analyzeIndex may run twice on one index). */
  readonly pairs: Map<IndexedObject, { at: number; pair: PairInspection }>;
  readonly values: Map<IndexedObject, Map<string, SecretValue>>;
}

const factsCache = new WeakMap<MeshIndex, SecretFacts>();

function facts(index: MeshIndex): SecretFacts {
  let f = factsCache.get(index);
  if (f) return f;
  // keyed by the secret name, not a `ns/name` string made per Certificate and per lookup: a name is usually in one
  // namespace (a list holds the first Certificate of each namespace when it is in several)
  const certificates = new Map<string, IndexedObject | IndexedObject[]>();
  const namespacesWithSecrets = new Set<string>();
  for (const s of index.ofKind('Secret')) {
    if (s.group !== '' || !s.namespace) continue;
    namespacesWithSecrets.add(s.namespace);
  }
  for (const c of index.ofKind('Certificate.cert-manager.io')) {
    const secretName = asString(c.spec.secretName);
    if (!secretName || !c.namespace) continue;
    const known = certificates.get(secretName);
    if (!known) {
      certificates.set(secretName, c);
    } else if (Array.isArray(known)) {
      if (!known.some((k) => k.namespace === c.namespace)) known.push(c);
    } else if (known.namespace !== c.namespace) {
      certificates.set(secretName, [known, c]);
    }
  }
  const uses: CredentialUse[] = [];
  for (const gw of index.gateways()) {
    const podNamespaces = Array.from(new Set(index.workloadsFor(gw).map((w) => w.namespace))).sort();
    for (const server of index.serversOf(gw)) {
      const tls = server.tls;
      const mode = server.tlsMode ?? '';
      if (!tls || !TERMINATING.has(mode)) continue;
      const single = asString(tls.credentialName);
      if (single) uses.push(new CredentialUse(gw, server, -1, stripScheme(single), mode, podNamespaces));
      const names = asArray(tls.credentialNames);
      for (let k = 0; k < names.length; k++) {
        const n = names[k];
        if (typeof n === 'string' && n) uses.push(new CredentialUse(gw, server, k, stripScheme(n), mode, podNamespaces));
      }
    }
  }
  f = { uses, certificates, namespacesOf: undefined, referenced: undefined, namespacesWithSecrets, pairs: new Map(), values: new Map() };
  factsCache.set(index, f);
  return f;
}

/**
 * Annotation of the context Secret that Credential.fromSecretName declares: the Secret exists with the listed keys,
 * but its values are placeholders (managed outside the app: external-secrets, sealed-secrets, …).
 */
export const EXTERNAL_SECRET_ANNOTATION = 'cdk8s-istio-gateways.io/external-secret';

/** True for a Secret whose values are managed elsewhere: keys present, contents unknown (never parsed). */
export function isExternallyManaged(secret: IndexedObject): boolean {
  return secret.annotations[EXTERNAL_SECRET_ANNOTATION] === 'true';
}

function stripScheme(name: string): string {
  return name.startsWith('kubernetes://') ? name.slice('kubernetes://'.length) : name;
}

/**
 * Secret name → namespaces where a Secret or Certificate with that name is, built on first need (a credential missing
 * from the gateway pods' namespace).
 */
function namespacesOf(index: MeshIndex, f: SecretFacts): Map<string, Set<string>> {
  if (!f.namespacesOf) {
    const out = new Map<string, Set<string>>();
    const addName = (name: string, ns: string) => {
      let s = out.get(name);
      if (!s) out.set(name, (s = new Set()));
      s.add(ns);
    };
    for (const s of index.ofKind('Secret')) {
      if (s.group !== '' || !s.namespace) continue;
      addName(s.name, s.namespace);
    }
    for (const c of index.ofKind('Certificate.cert-manager.io')) {
      const secretName = asString(c.spec.secretName);
      if (!secretName || !c.namespace) continue;
      addName(secretName, c.namespace);
    }
    f.namespacesOf = out;
  }
  return f.namespacesOf;
}

/** {@link credential} of a use's name in each of its pod namespaces, found once (several SEC rules ask). */
function credentialsOf(index: MeshIndex, f: SecretFacts, use: CredentialUse): readonly (Credential | undefined)[] {
  if (!use.found) {
    // (a loop, not a closure per use: asked for every credential use)
    const found: (Credential | undefined)[] = [];
    for (const ns of use.podNamespaces) found.push(credential(index, f, ns, use.name));
    use.found = found;
  }
  return use.found;
}

/** The credential `name` in `namespace`, if the input has it (a Secret wins over a Certificate). */
function credential(index: MeshIndex, f: SecretFacts, namespace: string, name: string): Credential | undefined {
  const secret = index.secret(namespace, name);
  if (secret) return { kind: 'secret', object: secret };
  const cert = certificateFor(f, namespace, name);
  if (!cert) return undefined;
  const names = asStringArray(cert.spec.dnsNames).concat(asStringArray(cert.spec.ipAddresses));
  const cn = asString(cert.spec.commonName);
  if (cn && names.length === 0) names.push(cn);
  return { kind: 'certificate', object: cert, names };
}

/** The first cert-manager Certificate in `namespace` that writes secret `name`. */
function certificateFor(f: SecretFacts, namespace: string, name: string): IndexedObject | undefined {
  const known = f.certificates.get(name);
  if (!known) return undefined;
  if (Array.isArray(known)) return known.find((c) => c.namespace === namespace);
  return known.namespace === namespace ? known : undefined;
}

function valuesOf(f: SecretFacts, secret: IndexedObject): Map<string, SecretValue> {
  let v = f.values.get(secret);
  if (!v) {
    v = secretValues(secret.raw);
    f.values.set(secret, v);
  }
  return v;
}

const hasValue = (v: Map<string, SecretValue>, k: string) => {
  const x = v.get(k);
  return x !== undefined && !x.problem && x.text.trim() !== '';
};

/** Reads the server key pair of a Secret the way istiod does (tls.crt+tls.key, else cert+key). Cached. */
function inspectPair(f: SecretFacts, secret: IndexedObject, now: Date): PairInspection {
  const cached = f.pairs.get(secret);
  if (cached && cached.at === now.getTime()) return cached.pair;
  const values = valuesOf(f, secret);
  if (isExternallyManaged(secret)) {
    // keys present, contents unknown (Credential.fromSecretName placeholders): nothing to parse
    const res: PairInspection = { cert: values.get('tls.crt') ?? values.get('cert'), key: values.get('tls.key') ?? values.get('key'), problems: [], chain: [] };
    f.pairs.set(secret, { at: now.getTime(), pair: res });
    return res;
  }
  const problems: PairProblem[] = [];
  const name = `${secret.namespace}/${secret.name}`;
  let certKey: string | undefined;
  let keyKey: string | undefined;
  if (hasValue(values, 'tls.crt') && hasValue(values, 'tls.key')) [certKey, keyKey] = ['tls.crt', 'tls.key'];
  else if (hasValue(values, 'cert') && hasValue(values, 'key')) [certKey, keyKey] = ['cert', 'key'];
  let chain: CertificateInfo[] = [];
  if (!certKey || !keyKey) {
    const present = Array.from(values.keys()).sort();
    const broken = ['tls.crt', 'tls.key', 'cert', 'key'].map((k) => values.get(k)).find((v) => v !== undefined && (v.problem || v.text.trim() === ''));
    if (broken) {
      problems.push({
        istioctl: true,
        path: broken.path,
        message: `secret ${name} key ${broken.path} ${broken.problem ?? 'is empty'}, so the gateway has no certificate`,
        fix: 'put the PEM certificate under tls.crt and the PEM private key under tls.key (base64 in data, plain in stringData)',
      });
    } else {
      const mixed = (values.has('cert') && values.has('tls.key')) || (values.has('tls.crt') && values.has('key'));
      problems.push({
        istioctl: true,
        path: values.size === 0 ? 'data' : firstPath(values),
        message: `secret ${name} has no complete key pair (found keys ${present.length ? present.join(', ') : 'none'})${mixed ? '; cert/key and tls.crt/tls.key pairs cannot be mixed' : ''}`,
        fix: 'use keys tls.crt + tls.key (or cert + key), both non-empty',
      });
    }
  } else {
    const certV = values.get(certKey)!;
    const keyV = values.get(keyKey)!;
    const parsed: ChainResult = parseCertificateChain(certV.text);
    chain = [...parsed.certificates];
    for (const p of parsed.problems) {
      problems.push({ istioctl: true, path: certV.path, message: `${certV.path} of secret ${name} ${p}`, fix: `put the PEM certificate chain (leaf first) under ${certKey}` });
    }
    const key = parsePrivateKey(keyV.text);
    if (key.problem) {
      problems.push({ istioctl: false, path: keyV.path, message: `${keyV.path} of secret ${name} ${key.problem}`, fix: `put the unencrypted PEM private key of the certificate under ${keyKey}` });
    }
    const leaf = chain[0];
    if (leaf && key.key && parsed.problems.length === 0 && !keyMatchesCertificate(leaf, key.key)) {
      problems.push({
        istioctl: false,
        path: keyV.path,
        message: `${keyV.path} of secret ${name} does not match the certificate in ${certV.path} (${subjectOf(leaf)})`,
        fix: `put the private key that belongs to this certificate under ${keyKey}, or the matching certificate under ${certKey}`,
      });
    }
    chain.forEach((c, i) => {
      const v = validityAt(c, now);
      if (v === 'valid') return;
      const which = i === 0 ? 'certificate' : `chain certificate #${i + 1}`;
      problems.push({
        istioctl: i === 0,
        path: certV.path,
        message: v === 'expired'
          ? `${which} ${subjectOf(c)} in ${certV.path} of secret ${name} expired on ${isoDay(c.notAfter)}`
          : `${which} ${subjectOf(c)} in ${certV.path} of secret ${name} is not valid before ${isoDay(c.notBefore)}`,
        fix: v === 'expired' ? 'renew the certificate (cert-manager renews automatically before expiry)' : 'check the issuing clock, or wait until the certificate becomes valid',
      });
    });
    const res: PairInspection = { cert: certV, key: keyV, problems, chain };
    f.pairs.set(secret, { at: now.getTime(), pair: res });
    return res;
  }
  const res: PairInspection = { problems, chain };
  f.pairs.set(secret, { at: now.getTime(), pair: res });
  return res;
}

function firstPath(values: Map<string, SecretValue>): string {
  const v = values.values().next().value as SecretValue | undefined;
  return v ? v.path.slice(0, v.path.indexOf('.')) : 'data';
}

function subjectOf(c: CertificateInfo): string {
  return c.commonName ? `CN=${c.commonName}` : c.names[0] ?? c.fingerprint256.slice(0, 23);
}

/** A Secret holding only a CA bundle (`<name>-cacert`), which needs no key pair. */
function isCaOnlySecret(f: SecretFacts, secret: IndexedObject): boolean {
  const v = valuesOf(f, secret);
  return (v.has('ca.crt') || v.has('cacert')) && !v.has('tls.crt') && !v.has('cert') && !v.has('tls.key') && !v.has('key');
}

/** Each referenced, present Secret once, with the uses that reference it. */
function referencedSecrets(ctx: RuleContext): ReadonlyMap<IndexedObject, readonly CredentialUse[]> {
  const f = facts(ctx.index);
  if (!f.referenced) {
    const out = new Map<IndexedObject, CredentialUse[]>();
    for (const use of f.uses) {
      for (const c of credentialsOf(ctx.index, f, use)) {
        if (c?.kind !== 'secret') continue;
        const l = out.get(c.object);
        if (l) l.push(use);
        else out.set(c.object, [use]);
      }
    }
    f.referenced = out;
  }
  return f.referenced;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------------------------

export const SEC_NS_001 = defineRule({
  id: 'SEC-NS-001',
  code: 'IST0101',
  severity: Severity.ERROR,
  needsContext: true,
  summary: 'credentialName secret lives in the gateway pod namespace (not the Gateway\'s); cross-namespace is denied (IST0101 credentialName; closed world: every tls server, Secret absent from the input)',
  check(ctx) {
    if (ctx.index.closedWorld) {
      closedWorldCredentials(ctx);
      return;
    }
    const f = facts(ctx.index);
    // ca: the server's caCertCredentialName, else the use's own credential name
    const checkName = (use: CredentialUse, name: string, ca: boolean, found?: readonly (Credential | undefined)[]) => {
      for (let i = 0; i < use.podNamespaces.length; i++) {
        const ns = use.podNamespaces[i];
        if (found ? found[i] : credential(ctx.index, f, ns, name)) continue;
        const path = ca ? `${use.server.path}.tls.caCertCredentialName` : use.path;
        const elsewhere = Array.from(namespacesOf(ctx.index, f).get(name) ?? []).filter((n) => n !== ns).sort();
        if (elsewhere.length > 0) {
          ctx.report({
            object: use.gateway,
            path,
            ...(ca ? { code: '' } : { refType: 'credentialName' }),
            message: `secret ${q(name)} is in namespace ${elsewhere.join(', ')} but the gateway pods run in ${ns}; istiod reads credentials only from the pods' namespace`,
            fix: `create the secret in ${ns} (or issue the cert-manager Certificate there)`,
          });
        } else if (f.namespacesWithSecrets.has(ns) && !ctx.index.secret(ns, `${name}-cacert`)) {
          // (a `<name>-cacert` Secret in the input means the key pair itself is created out of band, as in the
          // istio.io secure ingress task)
          ctx.report({
            object: use.gateway,
            path,
            ...(ca ? { code: '' } : { refType: 'credentialName' }),
            message: `secret ${q(name)} is not among the secrets declared in ${ns}, the gateway pods' namespace`,
            fix: `create secret ${ns}/${name} with tls.crt and tls.key, or fix the name`,
          });
        }
      }
    };
    for (const use of f.uses) {
      checkName(use, use.name, false, credentialsOf(ctx.index, f, use));
      const caName = asString(use.server.tls?.caCertCredentialName);
      if (caName && MUTUAL.has(use.mode) && use.entry < 0) checkName(use, stripScheme(caName), true);
    }
  },
});

/**
 * SEC-NS-001 in the closed world, as istioctl (ISTIOCTL-PARITY §1 `credentialName`): for Gateways whose selector
 * matches a Pod, each server with a tls block and a non-empty `tls.credentialName` (any mode) names the Secret
 * `<ns>/<name>` when it contains `/`, else `<namespace of the first matching Pod>/<name>`; absent → one message per server.
 */
function closedWorldCredentials(ctx: RuleContext): void {
  const ix = ctx.index;
  for (const gw of ix.gateways()) {
    if (gw.isContext) continue;
    const pods = ix.podsMatching(ix.gatewaySelector(gw));
    if (pods.length === 0) continue;
    const podNs = pods[0].namespace;
    for (const srv of ix.serversOf(gw)) {
      const cn = srv.tls ? asString(srv.tls.credentialName) : undefined;
      if (!cn) continue;
      const slash = cn.indexOf('/');
      const [ns, name] = slash >= 0 ? [cn.slice(0, slash), cn.slice(slash + 1)] : [podNs, cn];
      if (ix.secret(ns, name)) continue;
      ctx.report({
        object: gw,
        path: `${srv.path}.tls.credentialName`,
        refType: 'credentialName',
        message: `secret ${q(cn)} is not in the input (looked up as ${ns}/${name}${slash < 0 ? ', the namespace of the gateway pods' : ''})`,
        fix: `create secret ${ns}/${name} with tls.crt and tls.key, or fix the name`,
      });
    }
  }
}

export const SEC_RBAC_001 = defineRule({
  id: 'SEC-RBAC-001',
  severity: Severity.ERROR,
  needsContext: true,
  summary: 'The gateway ServiceAccount can get/watch/list secrets in its namespace',
  check(ctx) {
    const index = ctx.index;
    const f = facts(index);
    const servesCredentials = new Set<string>();
    for (const use of f.uses) for (const w of index.workloadsFor(use.gateway)) servesCredentials.add(w.id);
    for (const w of index.gatewayWorkloads()) {
      const o = w.object;
      if (!o || o.isContext || w.origin !== 'controller' || o.kind !== 'Deployment') continue;
      const tmpl = asRecord(o.spec.template);
      if (asStringMap(asRecord(tmpl.metadata).annotations)['inject.istio.io/templates'] !== 'gateway') continue;
      const podSpec = asRecord(tmpl.spec);
      const sa = asString(podSpec.serviceAccountName) || asString(podSpec.serviceAccount) || 'default';
      const missing = missingSecretVerbs(index, w.namespace, sa);
      if (missing === undefined || missing.length === 0) continue;
      const serves = servesCredentials.has(w.id);
      ctx.report({
        object: o,
        path: asString(podSpec.serviceAccountName) ? 'spec.template.spec.serviceAccountName' : 'spec.template.spec',
        severity: serves ? Severity.ERROR : Severity.WARNING,
        message: `service account ${w.namespace}/${sa} of gateway deployment ${o.name} cannot ${missing.join('/')} secrets in ${w.namespace}` +
          (serves ? ', so istiod will not send it the credentialName certificates (TLS handshakes fail)' : '; TLS servers with credentialName will not work'),
        fix: `add a Role in ${w.namespace} with rules [{apiGroups: [""], resources: [secrets], verbs: [get, watch, list]}] and a RoleBinding to serviceaccount ${sa}`,
      });
    }
  },
});

/**
 * Verbs of get/watch/list on secrets in `namespace` that no Role/ClusterRole bound to the ServiceAccount grants, or
 * undefined when a binding references a role that is not in the input (unknown: say nothing).
 */
function missingSecretVerbs(index: MeshIndex, namespace: string, sa: string): string[] | undefined {
  const granted = new Set<string>();
  let unknown = false;
  const subjectMatches = (b: IndexedObject) =>
    asArray(asRecord(b.raw).subjects).some((s) => {
      const r = asRecord(s);
      const kind = asString(r.kind);
      if (kind === 'ServiceAccount') return asString(r.name) === sa && (asString(r.namespace) ?? b.namespace) === namespace;
      if (kind === 'Group') return r.name === 'system:serviceaccounts' || r.name === `system:serviceaccounts:${namespace}`;
      return false;
    });
  const collect = (b: IndexedObject) => {
    const ref = asRecord(asRecord(b.raw).roleRef);
    const kind = asString(ref.kind);
    const name = asString(ref.name) ?? '';
    const role = kind === 'Role' && b.kind === 'RoleBinding' ? index.get('Role', b.namespace, name) : kind === 'ClusterRole' ? index.get('ClusterRole', undefined, name) : undefined;
    if (!role) {
      unknown = true;
      return;
    }
    for (const rule of asArray(asRecord(role.raw).rules)) {
      if (!isRecord(rule)) continue;
      const groups = asStringArray(rule.apiGroups);
      const resources = asStringArray(rule.resources);
      if (!(groups.includes('') || groups.includes('*')) || !(resources.includes('secrets') || resources.includes('*'))) continue;
      if (asStringArray(rule.resourceNames).length > 0) continue; // list/watch cannot be limited by name
      for (const v of asStringArray(rule.verbs)) granted.add(v);
    }
  };
  for (const b of index.ofKind('RoleBinding')) if (b.namespace === namespace && subjectMatches(b)) collect(b);
  for (const b of index.ofKind('ClusterRoleBinding')) if (subjectMatches(b)) collect(b);
  if (granted.has('*')) return [];
  const missing = ['get', 'watch', 'list'].filter((v) => !granted.has(v));
  if (missing.length > 0 && unknown) return undefined;
  return missing;
}

/**
 * SEC-KEY-001. IST0161 as istioctl computes it (ISTIOCTL-PARITY §12): on the Gateway, one finding per server whose
 * credentialName Secret lacks a complete key pair (cert+key, else tls.crt+tls.key, non-empty), whose certificate does
 * not parse, or whose leaf certificate is outside its validity window. Uncoded, on the Secret: what istioctl does not
 * check (private key parse, key/certificate mismatch, chain certificates' validity).
 */
export const SEC_KEY_001 = defineRule({
  id: 'SEC-KEY-001',
  code: 'IST0161',
  severity: Severity.ERROR,
  summary: 'credentialName secret: tls.crt+tls.key or cert+key, non-empty, PEM parses, within its validity window (IST0161 on the Gateway, per server); uncoded on the Secret: key parses and matches, chain validity',
  check(ctx) {
    const f = facts(ctx.index);
    const refs = referencedSecrets(ctx);
    for (const secret of refs.keys()) {
      if (isCaOnlySecret(f, secret)) continue;
      for (const p of inspectPair(f, secret, ctx.now).problems) {
        if (!p.istioctl) ctx.report({ object: secret, path: p.path, message: p.message, fix: p.fix, code: '' });
      }
    }
    const done = new Set<GatewayServer>();
    for (const [secret, uses] of refs) {
      if (isCaOnlySecret(f, secret)) continue;
      const coded = inspectPair(f, secret, ctx.now).problems.filter((p) => p.istioctl);
      if (coded.length === 0) continue;
      for (const use of uses) {
        if (done.has(use.server) || use.entry >= 0) continue; // tls.credentialName only
        done.add(use.server);
        ctx.report({
          object: use.gateway,
          path: use.path,
          message: `credential ${q(use.name)} of this server is invalid: ${coded.map((p) => p.message).join('; ')}`,
          fix: coded[0].fix,
        });
      }
    }
  },
});

export const SEC_TYPE_001 = defineRule({
  id: 'SEC-TYPE-001',
  severity: Severity.ERROR,
  summary: 'A kubernetes.io/tls Secret has tls.crt and tls.key (Istio ignores the type; Opaque is fine)',
  check(ctx) {
    for (const s of ctx.index.ofKind('Secret')) {
      if (s.group !== '' || asString(s.raw.type) !== 'kubernetes.io/tls') continue;
      const keys = new Set([...Object.keys(asRecord(s.raw.data)), ...Object.keys(asRecord(s.raw.stringData))]);
      const missing = ['tls.crt', 'tls.key'].filter((k) => !keys.has(k));
      if (missing.length === 0) continue;
      const legacy = keys.has('cert') || keys.has('key');
      ctx.report({
        object: s,
        path: 'data',
        message: `secret of type kubernetes.io/tls lacks ${missing.join(' and ')}; the api server rejects it`,
        fix: legacy ? 'rename cert → tls.crt and key → tls.key, or set type: Opaque (istio reads both layouts)' : `add ${missing.join(' and ')}, or set type: Opaque`,
      });
    }
  },
});

export const SEC_CA_001 = defineRule({
  id: 'SEC-CA-001',
  severity: Severity.ERROR,
  needsContext: true,
  summary: '(OPTIONAL_)MUTUAL via credentialName needs a CA: caCertCredentialName, else secret <name>-cacert, else ca.crt/cacert in the same secret',
  check(ctx) {
    const index = ctx.index;
    const f = facts(index);
    const checkedCa = new Set<string>();
    const checkCaKeys = (secret: IndexedObject, report: (r: Omit<Report, 'object'> & { object?: IndexedObject }) => void): boolean => {
      const values = valuesOf(f, secret);
      const v = hasValue(values, 'cacert') ? values.get('cacert')! : hasValue(values, 'ca.crt') ? values.get('ca.crt')! : undefined;
      if (!v) return false;
      if (isExternallyManaged(secret)) return true; // the CA key is declared; its contents are unknown
      const key = `${secret.namespace}/${secret.name}`;
      if (checkedCa.has(key)) return true;
      checkedCa.add(key);
      const parsed = parseCertificateChain(v.text);
      for (const p of parsed.problems) {
        report({ object: secret, path: v.path, message: `ca certificate ${v.path} of secret ${key} ${p}`, fix: 'put the PEM CA certificate(s) that sign client certificates there' });
      }
      if (parsed.certificates.length === 0) return true;
      const cas = parsed.certificates.filter((c) => c.isCa);
      if (cas.length === 0) {
        report({
          object: secret,
          path: v.path,
          message: `${v.path} of secret ${key} holds no CA certificate (basicConstraints CA:false on ${parsed.certificates.map(subjectOf).join(', ')}), so client certificates cannot be verified`,
          fix: 'put the issuing CA certificate (CA:TRUE) there, not a leaf certificate',
        });
      } else if (cas.every((c) => validityAt(c, ctx.now) !== 'valid')) {
        report({
          object: secret,
          path: v.path,
          message: `every CA certificate in ${v.path} of secret ${key} is outside its validity window (${cas.map((c) => `${subjectOf(c)} until ${isoDay(c.notAfter)}`).join(', ')})`,
          fix: 'renew the CA certificate and re-issue client certificates if needed',
        });
      }
      return true;
    };
    for (const use of f.uses) {
      if (!MUTUAL.has(use.mode)) continue;
      const tls = use.server.tls ?? {};
      const caName = asString(tls.caCertCredentialName);
      for (const ns of use.podNamespaces) {
        const report = (r: Omit<Report, 'object'> & { object?: IndexedObject }) => ctx.report({ object: r.object ?? use.gateway, path: r.path, message: r.message, fix: r.fix });
        if (caName) {
          const ca = index.secret(ns, stripScheme(caName));
          if (ca && !checkCaKeys(ca, report)) {
            report({
              object: ca,
              path: 'data',
              message: `secret ${ns}/${ca.name} named by caCertCredentialName has neither cacert nor ca.crt`,
              fix: 'add the PEM CA certificate under ca.crt',
            });
          }
          continue;
        }
        const caSecret = index.secret(ns, `${use.name}-cacert`);
        if (caSecret) {
          if (!checkCaKeys(caSecret, report)) {
            report({
              object: caSecret,
              path: 'data',
              message: `secret ${ns}/${caSecret.name} (the CA secret of credential ${q(use.name)}) has neither cacert nor ca.crt`,
              fix: 'add the PEM CA certificate under ca.crt',
            });
          }
          continue;
        }
        const main = index.secret(ns, use.name);
        if (!main) continue; // absent or a cert-manager Certificate: the CA is not known from the input
        if (checkCaKeys(main, report)) continue;
        report({
          path: use.path,
          message: `tls.mode ${use.mode} needs a CA to verify clients, but secret ${ns}/${use.name} has no ca.crt/cacert key and there is no secret ${use.name}-cacert or caCertCredentialName`,
          fix: `add ca.crt to secret ${use.name}, create secret ${use.name}-cacert with ca.crt, or set tls.caCertCredentialName`,
        });
      }
    }
  },
});

export const SEC_SAN_001 = defineRule({
  id: 'SEC-SAN-001',
  severity: Severity.ERROR,
  needsContext: true,
  summary: 'The certificate of a credentialName covers every host of the Gateway servers using it (SAN, or CN without SAN)',
  check(ctx) {
    const index = ctx.index;
    const f = facts(index);
    for (const use of f.uses) {
      const found = credentialsOf(index, f, use);
      for (let i = 0; i < use.podNamespaces.length; i++) {
        const ns = use.podNamespaces[i];
        const c = found[i];
        if (!c) continue;
        let names: readonly string[];
        let pair: PairInspection | undefined;
        if (c.kind === 'certificate') {
          names = c.names;
        } else {
          pair = inspectPair(f, c.object, ctx.now);
          const leaf = pair.chain[0];
          if (!leaf) continue;
          names = leaf.names;
        }
        if (names.length === 0) continue;
        for (const h of use.server.hosts) {
          // a name equal to the host covers it (the usual certificate: no host classification then)
          if (h.host === '*' || names.includes(h.host) || namesCover(names, h.host)) continue;
          // (described only for a finding: most credentials cover their hosts)
          const what = pair
            ? `the certificate in ${pair.cert?.path ?? 'the secret'} of secret ${ns}/${use.name}${pair.chain[0].usesCommonNameOnly ? ' (CN only, no SAN)' : ''}`
            : `cert-manager Certificate ${c.object.namespace}/${c.object.name} (dnsNames)`;
          ctx.report({
            object: use.gateway,
            path: `${use.server.path}.hosts[${h.index}]`,
            message: `host ${q(h.host)} is not covered by ${what}, which names ${names.join(', ')}; clients will reject the certificate`,
            fix: `issue the certificate with ${q(h.host)} as a subjectAltName, or use a credentialName whose certificate covers it`,
          });
        }
      }
    }
  },
});

export const SEC_EXP_001 = defineRule({
  id: 'SEC-EXP-001',
  severity: Severity.WARNING,
  summary: `The certificate of a credentialName expires within ${EXPIRY_WARNING_DAYS} days`,
  check(ctx) {
    const f = facts(ctx.index);
    for (const secret of referencedSecrets(ctx).keys()) {
      if (isCaOnlySecret(f, secret)) continue;
      const pair = inspectPair(f, secret, ctx.now);
      const leaf = pair.chain[0];
      if (!leaf || validityAt(leaf, ctx.now) !== 'valid') continue;
      const days = daysUntilExpiry(leaf, ctx.now);
      if (days >= EXPIRY_WARNING_DAYS) continue;
      ctx.report({
        object: secret,
        path: pair.cert?.path ?? 'data',
        message: `certificate ${subjectOf(leaf)} in ${pair.cert?.path} of secret ${secret.namespace}/${secret.name} expires on ${isoDay(leaf.notAfter)} (in ${days} days)`,
        fix: 'renew it now, or let cert-manager manage it (it renews 30 days before expiry by default)',
      });
    }
  },
});

const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/**
 * SEC-GIT-001: a private key written into the manifests. The library writes one only with
 * `Credential.fromPem({ allowPrivateKeyInManifest: true })`, and then says so with this warning; GitOps repositories
 * with plain Secrets get the same. Context Secrets (declared facts, e.g. Credential.fromSecretName placeholders) and
 * Secrets annotated as externally managed are not reported.
 */
export const SEC_GIT_001 = defineRule({
  id: 'SEC-GIT-001',
  severity: Severity.WARNING,
  summary: 'A Secret in the manifests carries a private key (PEM PRIVATE KEY in data/stringData): it ends up in Git and CI logs; use cert-manager, sealed-secrets or external-secrets',
  check(ctx) {
    for (const secret of ctx.index.ofKind('Secret')) {
      if (secret.isContext || secret.group !== '' || isExternallyManaged(secret)) continue;
      const values = secretValues(secret.raw);
      const keys = Array.from(values.values()).filter((v) => !v.problem && PEM_PRIVATE_KEY.test(v.text));
      if (keys.length === 0) continue;
      ctx.report({
        object: secret,
        path: keys[0].path,
        message: `secret ${secret.namespace}/${secret.name} carries a private key in ${keys.map((k) => k.path).join(', ')}: whoever reads the manifests (Git history, CI logs, artifact stores) holds the key`,
        fix: 'issue the certificate in-cluster with cert-manager (Credential.fromCertManager), or keep the key out of the manifests with sealed-secrets / external-secrets (Credential.fromSecretName); rotate a key that was ever committed',
      });
    }
  },
});

export const SECRET_RULES = [SEC_NS_001, SEC_RBAC_001, SEC_KEY_001, SEC_TYPE_001, SEC_CA_001, SEC_SAN_001, SEC_EXP_001, SEC_GIT_001];
