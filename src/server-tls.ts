import { IConstruct } from 'constructs';
import type { ClientCa } from './client-ca';
import type { CredentialBinding, ICredential } from './credential';
import { IstioGatewaysError } from './errors';
import type { IGatewayWorkload } from './gateway-workload';
import type { RenderedServerTls } from './internal/gateway-servers';

/** TLS protocol versions a gateway server accepts. */
export enum TlsVersion {
  /** Envoy's default (TLS 1.2 minimum, 1.3 maximum in current Envoy). */
  TLS_AUTO = 'TLS_AUTO',
  /** TLS 1.0: insecure; only with explicit cipher suites. */
  TLSV1_0 = 'TLSV1_0',
  /** TLS 1.1: insecure; only with explicit cipher suites. */
  TLSV1_1 = 'TLSV1_1',
  /** TLS 1.2: the library's default minimum. */
  TLSV1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLSV1_3 = 'TLSV1_3',
}

/** The TLS modes of a Gateway server (`tls.mode`). */
export enum TlsMode {
  /** Terminate TLS with the server's certificate. */
  SIMPLE = 'SIMPLE',
  /** Terminate TLS and require a client certificate signed by the credential's CA. */
  MUTUAL = 'MUTUAL',
  /** Terminate TLS and verify a client certificate when one is presented. */
  OPTIONAL_MUTUAL = 'OPTIONAL_MUTUAL',
  /** Do not terminate: route by SNI to a backend that terminates TLS itself. */
  PASSTHROUGH = 'PASSTHROUGH',
  /** Terminate Istio mTLS (sidecar → egress gateway). */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/** Options for {@link ServerTls.simple}. */
export interface SimpleServerTlsOptions {
  /**
   * Minimum TLS version.
   * @default TlsVersion.TLSV1_2
   */
  readonly minProtocolVersion?: TlsVersion;
  /**
   * Maximum TLS version.
   * @default - Envoy's default
   */
  readonly maxProtocolVersion?: TlsVersion;
  /**
   * Cipher suites (required when the minimum is below TLS 1.2).
   * @default - Envoy's default cipher suites
   */
  readonly cipherSuites?: string[];
}

/** Options for {@link ServerTls.mutual}. */
export interface MutualServerTlsOptions extends SimpleServerTlsOptions {
  /**
   * Accept clients without a certificate too (OPTIONAL_MUTUAL).
   * @default false
   */
  readonly optional?: boolean;
  /**
   * Only accept client certificates with one of these subject alternative names.
   * @default - any certificate signed by the CA
   */
  readonly subjectAltNames?: string[];
}

/**
 * How a Gateway server handles TLS. A union of the valid combinations: a credential exists exactly for the
 * modes that need one, and a mutual server takes a {@link ClientCa}, so illegal states (MUTUAL without a CA,
 * PASSTHROUGH with a certificate) cannot be written.
 *
 * @example
 * ServerTls.simple(Credential.fromSecretName('webapp-credential'));
 * // the client CA in the server credential's own secret (ca.crt)
 * ServerTls.mutual(Credential.fromCertManager({ issuer: { name: 'ca-issuer' }, secretName: 'webapp-credential', ca: true }), ClientCa.fromServerCredential());
 * // a client CA that is not the server certificate's issuer, in its own secret
 * ServerTls.mutual(Credential.fromSecretName('webapp-credential'), ClientCa.fromSecretName('partners-ca'));
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
 */
export class ServerTls {
  /** Terminate TLS with the credential's certificate (HTTPS). Minimum TLS 1.2 unless overridden. */
  public static simple(credential: ICredential, options: SimpleServerTlsOptions = {}): ServerTls {
    return new ServerTls(TlsMode.SIMPLE, credential, options, undefined);
  }

  /**
   * Terminate TLS and verify client certificates against `clientCa`: the server credential's own `ca.crt`
   * ({@link ClientCa.fromServerCredential}) or a separate CA Secret ({@link ClientCa.fromSecretName},
   * {@link ClientCa.cacertSecret}, {@link ClientCa.fromPem}).
   */
  public static mutual(credential: ICredential, clientCa: ClientCa, options: MutualServerTlsOptions = {}): ServerTls {
    return new ServerTls(options.optional ? TlsMode.OPTIONAL_MUTUAL : TlsMode.MUTUAL, credential, options, options.subjectAltNames, clientCa);
  }

  /** Do not terminate TLS: route by SNI to a backend that terminates it (for {@link SniPassthrough}). */
  public static passthrough(): ServerTls {
    return new ServerTls(TlsMode.PASSTHROUGH, undefined, {}, undefined);
  }

  /** Terminate Istio mutual TLS from sidecars (egress gateway leg of an {@link EgressRoute}). */
  public static istioMutual(): ServerTls {
    return new ServerTls(TlsMode.ISTIO_MUTUAL, undefined, {}, undefined);
  }

  /** The server's TLS mode. */
  public readonly mode: TlsMode;
  /** The credential, for the modes that terminate TLS with a certificate. */
  public readonly credential?: ICredential;
  private readonly options: SimpleServerTlsOptions;
  private readonly subjectAltNames?: string[];
  private readonly clientCa?: ClientCa;

  private constructor(mode: TlsMode, credential: ICredential | undefined, options: SimpleServerTlsOptions,
    subjectAltNames: string[] | undefined, clientCa?: ClientCa) {
    this.mode = mode;
    this.clientCa = clientCa;
    this.credential = credential;
    this.options = options;
    this.subjectAltNames = subjectAltNames;
  }

  /** True when the server terminates TLS and needs a credential. */
  public get terminates(): boolean {
    return this.credential !== undefined;
  }

  /**
   * Checks the combination, binds the credential under `scope` and returns the wire `tls` block.
   * @internal
   */
  public _bind(scope: IConstruct, hosts: string[], workload: IGatewayWorkload): RenderedServerTls {
    const mutual = this.mode === TlsMode.MUTUAL || this.mode === TlsMode.OPTIONAL_MUTUAL;
    if (mutual && !this.clientCa) {
      throw new IstioGatewaysError(scope, `tls: ${this.mode} needs a client CA; use ServerTls.mutual(credential, ClientCa.fromServerCredential()) or a ClientCa with its own secret`);
    }
    const min = this.options.minProtocolVersion ?? (this.terminates ? TlsVersion.TLSV1_2 : undefined);
    if ((min === TlsVersion.TLSV1_0 || min === TlsVersion.TLSV1_1) && !(this.options.cipherSuites && this.options.cipherSuites.length > 0)) {
      throw new IstioGatewaysError(scope, `tls.minProtocolVersion: ${min} is insecure and Envoy needs explicit cipherSuites for it; use TlsVersion.TLSV1_2 or list cipherSuites`);
    }
    let binding: CredentialBinding | undefined;
    let caCertCredentialName: string | undefined;
    if (this.credential) {
      binding = this.credential.bind(scope, { hosts, workload, mutual });
      if (mutual) {
        caCertCredentialName = this.clientCa!._bind(scope, this.credential, binding.credentialName, workload, this.mode).caCertCredentialName;
      }
    }
    return {
      mode: this.mode,
      credentialName: binding?.credentialName,
      caCertCredentialName,
      minProtocolVersion: this.terminates ? min : undefined,
      maxProtocolVersion: this.terminates ? this.options.maxProtocolVersion : undefined,
      cipherSuites: this.terminates && this.options.cipherSuites?.length ? [...this.options.cipherSuites] : undefined,
      subjectAltNames: this.subjectAltNames?.length ? [...this.subjectAltNames] : undefined,
    };
  }
}
