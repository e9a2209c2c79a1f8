/**
 * Props of the ApiObjects that the constructs create for an imported L1 kind.
 * Internal: not exported from index.ts.
 */
import { ApiObjectMetadata, ApiObjectProps, GroupVersionKind } from 'cdk8s';

/** What an L1 object has besides its group, version and kind. */
export interface L1Body {
  readonly metadata: ApiObjectMetadata;
  readonly spec: unknown;
}

/**
 * `{ ...L1.GVK, metadata, spec }` (same keys, same order), written as one object literal for memory: in V8 (Node 20),
 * once the code is warm, an object made by a spread and then given more properties gets a hidden class of its own
 * (about 300 bytes in the old generation per object), while objects of one literal share a hidden class. The props
 * live as long as the ApiObject, so with the spread every object of the App carried its own.
 */
export function l1Props(gvk: GroupVersionKind, body: L1Body): ApiObjectProps {
  return { apiVersion: gvk.apiVersion, kind: gvk.kind, metadata: body.metadata, spec: body.spec };
}
