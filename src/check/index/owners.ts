/**
 * Owner references: a Pod or ReplicaSet whose owner (a ReplicaSet, a Deployment, …) is in the input is the owner's
 * pods, already counted through the owner's pod template.
 */
import { asArray, asRecord, asString } from '../model';
import type { IndexedObject } from './objects';

/**
 * A test "does an `ownerReferences` entry of the object name an object of `objects` (same kind, namespace and
 * name)?". The set of identities is built on the first object that has owner references.
 */
export function ownedByPresent(objects: readonly IndexedObject[]): (o: IndexedObject) => boolean {
  let present: Set<string> | undefined;
  return (o) =>
    asArray(asRecord(o.raw.metadata).ownerReferences).some((r) => {
      const rr = asRecord(r);
      present ??= new Set(objects.map((x) => `${x.kind}|${x.namespace ?? ''}|${x.name}`));
      return present.has(`${asString(rr.kind) ?? ''}|${o.namespace ?? ''}|${asString(rr.name) ?? ''}`);
    });
}
