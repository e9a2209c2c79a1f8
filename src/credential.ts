import { IConstruct } from 'constructs';
import type { IGatewayWorkload } from './gateway-workload';

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

// CREDENTIAL FACTORIES (Credential.fromPem / fromSecretName / fromCertManager) follow.
