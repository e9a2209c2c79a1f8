// STUB — owned by the checker-engine helper, who replaces this file with the real implementation.
// Construct authors may rely on exactly these two functions and their semantics.
import { IConstruct } from 'constructs';
import type { KubeObject } from './model';

/**
 * Declares facts that are not synthesized (e.g. a gateway Deployment/Service installed by istioctl) so that the
 * synth-time checker sees them, exactly like a CLI user passes the gateway's Service manifest as extra input.
 * Objects are plain Kubernetes manifests (apiVersion, kind, metadata with explicit namespace, spec).
 */
export function registerContext(scope: IConstruct, objects: KubeObject[]): void {
  void scope;
  void objects;
}

/** Makes sure the App that contains `scope` runs the checks once per synth. Idempotent; every L2 calls it. */
export function installChecks(scope: IConstruct): void {
  void scope;
}
