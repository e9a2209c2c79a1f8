import { createPrivateKey, X509Certificate } from 'crypto';
import { ApiObject, Chart, Duration, IAnyProducer, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { Certificate as CertificateL1, toJson_CertificateSpec } from '../imports/cert-manager.io';
import { installChecks } from './check/synth-hook';
import { IstioGatewaysError } from './errors';
import type { IGatewayWorkload } from './gateway-workload';
import { l1Props } from './internal/l1-props';
import { declareExternalSecret, pemCertificates, validateSecretName } from './internal/secrets';
import { validateDnsLabel } from './internal/validate';

/** What a gateway server needs to know to use a credential, handed to {@link ICredential.bind}. */
export interface CredentialBindOptions {
  /** Hosts of the server(s) that use the credential: a certificate must cover them. */
  readonly hosts: string[];
  /** The gateway workload: its namespace is where the secret must live. */
  readonly workload: IGatewayWorkload;
  /** True when the server verifies client certificates (MUTUAL): the credential must carry a CA. */
  readonly mutual: boolean;
}

/** What binding a credential produced. */
export interface CredentialBinding {
  /** The Secret name the Gateway server's `tls.credentialName` refers to. */
  readonly credentialName: string;
}

/**
 * A TLS server credential: the Kubernetes Secret that holds a certificate and key (and, for MUTUAL, a CA)
 * in the gateway pods' namespace. Create one with the `Credential` factories.
 */
export interface ICredential {
  /** Name of the Secret (the Gateway server's `credentialName`). */
  readonly secretName: string;
  /** Whether the credential carries a CA bundle for verifying clients (MUTUAL). */
  readonly hasCa: boolean;
  /**
   * Called by the server that uses the credential: creates whatever the credential needs (a Secret, a
   * cert-manager Certificate) under `scope`, in the workload's namespace.
   */
  bind(scope: IConstruct, options: CredentialBindOptions): CredentialBinding;
}

/** Props of {@link Credential.fromPem}. */
export interface PemCredentialProps {
  /** The server certificate chain, PEM (leaf first). */
  readonly cert: string;
  /** The private key of the leaf certificate, PEM (PKCS#1, PKCS#8 or SEC1). */
  readonly key: string;
  /**
   * CA bundle (PEM) that verifies client certificates, written as `ca.crt`. Needed for `ServerTls.mutual(credential, ClientCa.fromServerCredential())`.
   * @default - no CA: the credential serves SIMPLE TLS only
   */
  readonly ca?: string;
  /** Name of the Secret (a DNS-1123 subdomain), created in the gateway workload's namespace. */
  readonly secretName: string;
  /**
   * Write the private key into the synthesized YAML. Anything synthesized ends up in Git, so this is off by
   * default and binding the credential throws; prefer {@link Credential.fromCertManager} or
   * {@link Credential.fromSecretName} (external-secrets, sealed-secrets).
   * @default false
   */
  readonly allowPrivateKeyInManifest?: boolean;
}

/** Options for {@link Credential.fromSecretName}. */
export interface SecretNameCredentialOptions {
  /**
   * Whether the Secret carries a `ca.crt` that verifies client certificates (needed for `ServerTls.mutual(credential, ClientCa.fromServerCredential())`).
   * @default false
   */
  readonly hasCa?: boolean;
}

/** Kinds of cert-manager issuer. */
export enum CertManagerIssuerKind {
  /** A namespaced `Issuer`: it must live in the gateway workload's namespace. */
  ISSUER = 'Issuer',
  /** A cluster-wide `ClusterIssuer`. */
  CLUSTER_ISSUER = 'ClusterIssuer',
}

/** The issuer that signs a cert-manager Certificate (`spec.issuerRef`). */
export interface CertManagerIssuer {
  /** Name of the issuer. */
  readonly name: string;
  /**
   * Issuer or ClusterIssuer.
   * @default CertManagerIssuerKind.ISSUER
   */
  readonly kind?: CertManagerIssuerKind;
  /**
   * API group of an external issuer.
   * @default - cert-manager.io
   */
  readonly group?: string;
}

/** Props of {@link Credential.fromCertManager}. */
export interface CertManagerCredentialProps {
  /** Who signs the certificate. */
  readonly issuer: CertManagerIssuer;
  /** Name of the Secret cert-manager writes (a DNS-1123 subdomain), in the gateway workload's namespace. */
  readonly secretName: string;
  /**
   * metadata.name of the Certificate.
   * @default - the secret name
   */
  readonly certificateName?: string;
  /**
   * Requested lifetime of the certificate.
   * @default - cert-manager's default (90 days)
   */
  readonly duration?: Duration;
  /**
   * How long before expiry cert-manager renews.
   * @default - cert-manager's default (a third of the duration)
   */
  readonly renewBefore?: Duration;
  /**
   * Whether the issuer writes a `ca.crt` that should verify client certificates (CA and Vault issuers do).
   * Needed for `ServerTls.mutual(credential, ClientCa.fromServerCredential())`.
   * @default false
   */
  readonly ca?: boolean;
  /**
   * DNS names beyond the hosts of the servers that use the credential.
   * @default - only the servers' hosts
   */
  readonly extraDnsNames?: string[];
}

/** Who writes a Secret of the App: the credential object, the construct that first bound it, and what it writes. */
interface SecretClaim {
  readonly credential: ICredential;
  readonly path: string;
  /** what the Secret holds (PEM credentials) or how it is issued (cert-manager), to tell a same-content duplicate */
  readonly fingerprint: string;
  /** the object created for the Secret (a Secret or a Certificate) */
  readonly object: IConstruct;
}

/** `<namespace>/<secretName>` → who writes it, per App: one writer per Secret across all charts. */
const CLAIMS = new WeakMap<IConstruct, Map<string, SecretClaim>>();

function claimsOf(scope: IConstruct): Map<string, SecretClaim> {
  let m = CLAIMS.get(scope.node.root);
  if (!m) {
    m = new Map();
    CLAIMS.set(scope.node.root, m);
  }
  return m;
}

/** The chart-level scope for a credential's object (the chart of the first construct that binds it). */
function ownerOf(scope: IConstruct, kind: string, namespace: string, secretName: string): { chart: Chart; id: string } {
  return { chart: Chart.of(scope), id: `${kind}-${namespace}-${secretName}` };
}

/** Renders a Duration the Go way cert-manager expects (`2160h`, `90m`, `30s`). */
function goDuration(d: Duration): string {
  const s = d.toSeconds();
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

class PemCredential implements ICredential {
  public readonly secretName: string;
  public readonly hasCa: boolean;
  constructor(private readonly props: PemCredentialProps) {
    this.secretName = props.secretName;
    this.hasCa = props.ca !== undefined;
  }

  public bind(scope: IConstruct, options: CredentialBindOptions): CredentialBinding {
    const p = this.props;
    validateSecretName(scope, p.secretName);
    if (!p.allowPrivateKeyInManifest) {
      throw new IstioGatewaysError(scope, `credential "${p.secretName}": Credential.fromPem would write the private key into the synthesized YAML (and so into Git); use Credential.fromCertManager(...) or an existing secret with Credential.fromSecretName("${p.secretName}"), or set allowPrivateKeyInManifest: true if the manifests never leave a trusted place`);
    }
    const namespace = options.workload.namespace;
    const claims = claimsOf(scope);
    const key = `${namespace}/${p.secretName}`;
    const fingerprint = JSON.stringify(['pem', p.cert, p.key, p.ca ?? null]);
    const claim = claims.get(key);
    if (claim) {
      if (claim.credential === this || claim.fingerprint === fingerprint) return { credentialName: p.secretName };
      throw new IstioGatewaysError(scope, `credential "${p.secretName}": secret ${key} is already written by ${claim.path} with ${claim.fingerprint.startsWith('["pem"') ? 'a different certificate, key or CA' : 'a cert-manager Certificate'}; one Secret holds one certificate: give this credential its own secretName, or reuse the first credential object`);
    }
    const { chart, id } = ownerOf(scope, 'Secret', namespace, p.secretName);

    const certs = pemCertificates(p.cert ?? '');
    let leaf: X509Certificate;
    try {
      if (certs.length === 0) throw new Error('no CERTIFICATE block');
      leaf = new X509Certificate(certs[0]);
      certs.slice(1).forEach((c) => new X509Certificate(c));
    } catch (e) {
      throw new IstioGatewaysError(scope, `credential "${p.secretName}" cert: the PEM does not parse as an X.509 certificate (${(e as Error).message}); pass the PEM text of the certificate chain, leaf first`);
    }
    let keyObject;
    try {
      keyObject = createPrivateKey(p.key ?? '');
    } catch (e) {
      throw new IstioGatewaysError(scope, `credential "${p.secretName}" key: the PEM does not parse as a private key (${(e as Error).message}); pass the unencrypted PEM private key of the certificate`);
    }
    if (!leaf.checkPrivateKey(keyObject)) {
      throw new IstioGatewaysError(scope, `credential "${p.secretName}" key: the private key does not match the certificate ${leaf.subject.replace(/\n/g, ', ')}; pass the key the certificate was issued for`);
    }
    if (p.ca !== undefined) {
      const cas = pemCertificates(p.ca);
      try {
        if (cas.length === 0) throw new Error('no CERTIFICATE block');
        cas.forEach((c) => new X509Certificate(c));
      } catch (e) {
        throw new IstioGatewaysError(scope, `credential "${p.secretName}" ca: the PEM does not parse as X.509 certificates (${(e as Error).message}); pass the PEM bundle of the CA(s) that sign client certificates`);
      }
    }
    const secret = new kplus.Secret(chart, id, {
      metadata: { name: p.secretName, namespace },
      type: 'kubernetes.io/tls',
    });
    secret.addStringData('tls.crt', p.cert);
    secret.addStringData('tls.key', p.key);
    if (p.ca !== undefined) secret.addStringData('ca.crt', p.ca);
    claims.set(key, { credential: this, path: scope.node.path, fingerprint, object: secret });
    // created under the chart (one per App and secret): register it for sorted output and for findings
    installChecks(secret);
    return { credentialName: p.secretName };
  }
}

class SecretNameCredential implements ICredential {
  public readonly hasCa: boolean;
  constructor(public readonly secretName: string, options: SecretNameCredentialOptions) {
    this.hasCa = options.hasCa ?? false;
  }

  public bind(scope: IConstruct, options: CredentialBindOptions): CredentialBinding {
    validateSecretName(scope, this.secretName);
    // Nothing is synthesized. The checker is told that the Secret exists in the workload's namespace with the
    // keys Istio needs; its values are unknown (managed outside this app).
    const keys = this.hasCa ? ['tls.crt', 'tls.key', 'ca.crt'] : ['tls.crt', 'tls.key'];
    declareExternalSecret(scope, options.workload.namespace, this.secretName, keys, 'kubernetes.io/tls');
    return { credentialName: this.secretName };
  }
}

const CERT_MANAGER_FINGERPRINT = '["cert-manager"]';

/** The L1 JSON of the Certificate of a cert-manager credential: the hosts of every server bound so far. */
class CertificateSpecJson implements IAnyProducer {
  constructor(private readonly props: CertManagerCredentialProps, private readonly hosts: Set<string>) {}

  public produce(): unknown {
    const p = this.props;
    return toJson_CertificateSpec({
      secretName: p.secretName,
      dnsNames: [...this.hosts].sort(),
      issuerRef: { name: p.issuer.name, kind: p.issuer.kind ?? CertManagerIssuerKind.ISSUER, group: p.issuer.group ?? 'cert-manager.io' },
      duration: p.duration ? goDuration(p.duration) : undefined,
      renewBefore: p.renewBefore ? goDuration(p.renewBefore) : undefined,
    });
  }
}

class CertManagerCredential implements ICredential {
  public readonly secretName: string;
  public readonly hasCa: boolean;
  /**
   * The hosts of the Certificate this credential created in each namespace. A list of exact size, not a Map: a
   * credential is usually bound in one namespace, and a Map costs about 200 bytes even with one entry.
   */
  private certificates: readonly { readonly namespace: string; readonly hosts: Set<string> }[] = [];
  constructor(private readonly props: CertManagerCredentialProps) {
    this.secretName = props.secretName;
    this.hasCa = props.ca ?? false;
  }

  public bind(scope: IConstruct, options: CredentialBindOptions): CredentialBinding {
    const p = this.props;
    validateSecretName(scope, p.secretName);
    if (!p.issuer || typeof p.issuer.name !== 'string' || p.issuer.name.length === 0) {
      throw new IstioGatewaysError(scope, `credential "${p.secretName}" issuer: an issuer name is required, e.g. { name: "letsencrypt", kind: CertManagerIssuerKind.CLUSTER_ISSUER }`);
    }
    const anyHost = options.hosts.find((h) => h === '*');
    if (anyHost) {
      throw new IstioGatewaysError(scope, `credential "${p.secretName}": a certificate cannot be issued for the host "*"; list the hosts the certificate should cover`);
    }
    if (p.certificateName !== undefined) validateDnsLabel(scope, 'certificateName', p.certificateName);
    const namespace = options.workload.namespace;
    const claims = claimsOf(scope);
    const key = `${namespace}/${p.secretName}`;
    const claim = claims.get(key);
    if (claim) {
      const existing = this.certificates.find((c) => c.namespace === namespace)?.hosts;
      if (claim.credential === this && existing) {
        // one Certificate per credential and namespace, wherever (in whichever chart) the servers that use it are
        options.hosts.forEach((h) => existing.add(h));
        return { credentialName: p.secretName };
      }
      throw new IstioGatewaysError(scope, `credential "${p.secretName}": another credential (first used by ${claim.path}) already writes secret ${key}${claim.fingerprint.startsWith('["pem"') ? ' from PEM' : ' with a cert-manager Certificate'}; reuse that credential object for every server, or give this one its own secretName`);
    }
    const { chart, id } = ownerOf(scope, 'Certificate', namespace, p.secretName);
    const hosts = new Set<string>([...options.hosts, ...(p.extraDnsNames ?? [])]);
    this.certificates = this.certificates.concat([{ namespace, hosts }]);
    const created = new ApiObject(chart, id, l1Props(CertificateL1.GVK, {
      metadata: { name: p.certificateName ?? p.secretName, namespace },
      spec: Lazy.any(new CertificateSpecJson(p, hosts)),
    }));
    // a cert-manager claim is only ever compared by credential object, so its fingerprint only tells its kind
    claims.set(key, { credential: this, path: scope.node.path, fingerprint: CERT_MANAGER_FINGERPRINT, object: created });
    // created under the chart of the first server that uses it (one per App and secret): register it for sorted
    // output and for findings
    installChecks(created);
    return { credentialName: p.secretName };
  }
}

/**
 * Factories for TLS server credentials: where the certificate, key and (for MUTUAL) CA of a Gateway server
 * come from. The Secret always lives in the gateway workload's namespace (Istio reads `credentialName` there,
 * not in the Gateway's namespace). One credential may be used by several servers, in several charts: its Secret or
 * Certificate is created once per App and namespace (in the chart of the first server that uses it). Two
 * credentials that would write one Secret differently throw, naming the construct that used the first.
 *
 * @example
 * // an existing Secret (external-secrets, sealed-secrets)
 * Credential.fromSecretName('webapp-credential');
 * // cert-manager issues it for every host of the servers that use it
 * Credential.fromCertManager({ issuer: { name: 'letsencrypt', kind: CertManagerIssuerKind.CLUSTER_ISSUER }, secretName: 'webapp-credential' });
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/
 */
export class Credential {
  /**
   * A `kubernetes.io/tls` Secret with `tls.crt`, `tls.key` (and `ca.crt`) from PEM text, written into the
   * manifests. Requires `allowPrivateKeyInManifest: true`; the PEM must parse and the key must match the certificate.
   */
  public static fromPem(props: PemCredentialProps): ICredential {
    return new PemCredential(props);
  }

  /** A Secret that exists already (managed by external-secrets, sealed-secrets, …). Nothing is synthesized. */
  public static fromSecretName(secretName: string, options: SecretNameCredentialOptions = {}): ICredential {
    return new SecretNameCredential(secretName, options);
  }

  /**
   * A cert-manager Certificate (cert-manager.io/v1) whose `dnsNames` are the hosts of every server that uses the
   * credential, writing `secretName` in the gateway workload's namespace.
   */
  public static fromCertManager(props: CertManagerCredentialProps): ICredential {
    return new CertManagerCredential(props);
  }

  private constructor() {}
}
