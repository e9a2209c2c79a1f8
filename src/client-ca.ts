import { X509Certificate } from 'crypto';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { installChecks } from './check/synth-hook';
import type { ICredential } from './credential';
import { IstioGatewaysError } from './errors';
import type { IGatewayWorkload } from './gateway-workload';
import { declareExternalSecret, pemCertificates, validateSecretName } from './internal/secrets';

/** Options for {@link ClientCa.fromPem}. */
export interface PemClientCaOptions {
  /**
   * Name of the Secret that holds the CA bundle (`ca.crt`), created in the gateway workload's namespace.
   * @default - `<credentialName>-cacert`, Istio's convention
   */
  readonly secretName?: string;
}

/** What binding a client CA produced: the Gateway server's `tls.caCertCredentialName`, if any. */
interface ClientCaBinding {
  readonly caCertCredentialName?: string;
}

type Source =
  | { readonly kind: 'server-credential' }
  | { readonly kind: 'cacert-convention' }
  | { readonly kind: 'secret'; readonly secretName: string }
  | { readonly kind: 'pem'; readonly pem: string; readonly secretName?: string };

/** Per App: `<namespace>/<secret>` → the PEM and the path that wrote it. */
const WRITTEN = new WeakMap<IConstruct, Map<string, { pem: string; path: string }>>();

/**
 * Where a MUTUAL (or OPTIONAL_MUTUAL) gateway server finds the CA bundle that verifies client certificates.
 * {@link ServerTls.mutual} requires one, so a mutual server without a CA cannot be written.
 *
 * The client CA is often not the issuer of the server's certificate (e.g. a public server certificate from
 * Let's Encrypt, client certificates from an internal CA): give it its own Secret with {@link ClientCa.fromSecretName},
 * {@link ClientCa.cacertSecret} or {@link ClientCa.fromPem}.
 *
 * @example
 * ServerTls.mutual(Credential.fromSecretName('webapp-credential'), ClientCa.fromSecretName('partners-ca'));
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/#configure-a-mutual-tls-ingress-gateway
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
 */
export class ClientCa {
  /**
   * The `ca.crt` of the server credential's own Secret. The credential must carry a CA
   * (`Credential.fromPem({ ..., ca })`, `Credential.fromSecretName(name, { hasCa: true })` or cert-manager with
   * `ca: true`); binding throws otherwise.
   */
  public static fromServerCredential(): ClientCa {
    return new ClientCa({ kind: 'server-credential' });
  }

  /**
   * An existing Secret `<credentialName>-cacert` with `ca.crt` in the gateway workload's namespace, which Istio
   * finds by convention (nothing is written in the Gateway). Nothing is synthesized; the checks are told it exists.
   */
  public static cacertSecret(): ClientCa {
    return new ClientCa({ kind: 'cacert-convention' });
  }

  /**
   * An existing Secret with `ca.crt` in the gateway workload's namespace, named in the server's
   * `tls.caCertCredentialName`. Nothing is synthesized; the checks are told it exists.
   */
  public static fromSecretName(secretName: string): ClientCa {
    return new ClientCa({ kind: 'secret', secretName });
  }

  /**
   * A Secret with the CA bundle (PEM, certificates only: no private key) as `ca.crt`, written into the manifests in
   * the gateway workload's namespace and named in the server's `tls.caCertCredentialName`.
   */
  public static fromPem(pem: string, options: PemClientCaOptions = {}): ClientCa {
    return new ClientCa({ kind: 'pem', pem, secretName: options.secretName });
  }

  private constructor(private readonly source: Source) {}

  /**
   * Checks the CA source against the server credential, creates or declares the CA Secret, and returns the
   * server's `caCertCredentialName`.
   * @internal
   */
  public _bind(scope: IConstruct, credential: ICredential, credentialName: string, workload: IGatewayWorkload, mode: string): ClientCaBinding {
    const namespace = workload.namespace;
    switch (this.source.kind) {
      case 'server-credential':
        if (!credential.hasCa) {
          throw new IstioGatewaysError(scope, `tls: ${mode} credential "${credential.secretName}" has no CA to verify client certificates; give the credential a CA (Credential.fromPem({ ..., ca }), Credential.fromSecretName(name, { hasCa: true }) or cert-manager with ca: true), or name a separate CA Secret with ClientCa.fromSecretName / ClientCa.cacertSecret / ClientCa.fromPem`);
        }
        return {};
      case 'cacert-convention':
        declareExternalSecret(scope, namespace, `${credentialName}-cacert`, ['ca.crt'], 'Opaque');
        return {};
      case 'secret':
        validateSecretName(scope, this.source.secretName, 'clientCa');
        declareExternalSecret(scope, namespace, this.source.secretName, ['ca.crt'], 'Opaque');
        return { caCertCredentialName: this.source.secretName };
      case 'pem': {
        const name = this.source.secretName ?? `${credentialName}-cacert`;
        validateSecretName(scope, name, 'clientCa.secretName');
        const pem = this.source.pem;
        const certs = pemCertificates(pem ?? '');
        try {
          if (certs.length === 0) throw new Error('no CERTIFICATE block');
          certs.forEach((c) => new X509Certificate(c));
        } catch (e) {
          throw new IstioGatewaysError(scope, `clientCa: the PEM of CA secret "${name}" does not parse as X.509 certificates (${(e as Error).message}); pass the PEM bundle of the CA(s) that sign client certificates`);
        }
        if (/PRIVATE KEY-----/.test(pem)) {
          throw new IstioGatewaysError(scope, `clientCa: the PEM of CA secret "${name}" contains a private key; a client CA bundle needs the CA certificates only`);
        }
        let written = WRITTEN.get(scope.node.root);
        if (!written) {
          written = new Map();
          WRITTEN.set(scope.node.root, written);
        }
        const key = `${namespace}/${name}`;
        const prior = written.get(key);
        if (prior) {
          if (prior.pem !== pem) {
            throw new IstioGatewaysError(scope, `clientCa: CA secret ${key} is already written by ${prior.path} with a different CA bundle; give this CA its own secretName`);
          }
          return { caCertCredentialName: name };
        }
        written.set(key, { pem, path: scope.node.path });
        const secret = new kplus.Secret(Chart.of(scope), `ClientCa-${namespace}-${name}`, { metadata: { name, namespace } });
        secret.addStringData('ca.crt', pem);
        installChecks(secret);
        return { caCertCredentialName: name };
      }
    }
  }
}
