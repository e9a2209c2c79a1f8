/**
 * Helpers for the Secrets that credentials and client CAs write or declare. Internal: not exported from index.ts.
 */
import { IConstruct } from 'constructs';
import { registerContext } from '../check/synth-hook';
import { IstioGatewaysError } from '../errors';
import { isDns1123Subdomain } from './dns-names';

/** Throws unless `name` is a valid Secret name (a DNS-1123 subdomain). */
export function validateSecretName(scope: IConstruct, name: string, field = 'secretName'): void {
  if (typeof name !== 'string' || !isDns1123Subdomain(name)) {
    throw new IstioGatewaysError(scope, `${field}: "${String(name)}" is not a valid Secret name; use a DNS-1123 subdomain such as webapp-credential`);
  }
}

/** Splits a PEM bundle into its certificate blocks. */
export function pemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Declares to the checks a Secret that exists in the cluster but is managed outside this app (external-secrets,
 * sealed-secrets, a platform team): its keys are known, its values are not.
 */
/**
 * Annotation on the context Secret: the Secret exists with the listed keys, but its values are managed outside this
 * app (unknown at synth time). The checker (src/check/rules/secrets.ts `isExternallyManaged`) never parses them.
 */
export const EXTERNAL_SECRET_ANNOTATION = 'cdk8s-istio-gateways.io/external-secret';

/** Registers `namespace/name` with `keys` (values unknown) as a fact for the checks. Nothing is synthesized. */
export function declareExternalSecret(scope: IConstruct, namespace: string, name: string, keys: string[], type: string): void {
  const placeholder = '(managed outside this app)';
  registerContext(scope, [{
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, annotations: { [EXTERNAL_SECRET_ANNOTATION]: 'true' } },
    type,
    stringData: Object.fromEntries(keys.map((k) => [k, placeholder])),
  }]);
}
