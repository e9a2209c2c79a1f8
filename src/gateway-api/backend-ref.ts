/**
 * backendRefs of Gateway API routes from the library's Destinations. Internal: not exported from index.ts.
 */
import { IConstruct } from 'constructs';
import type { ReferenceGrants } from './reference-grant';
import type { Destination } from '../destination';
import { IstioGatewaysError } from '../errors';

/** A rendered backendRef (the common shape of HTTPRoute/TLSRoute/TCPRoute backendRefs). */
export interface BackendRef {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly port?: number;
  readonly weight?: number;
}

/**
 * The backendRef of `dest` for a route of kind `routeKind` in `routeNamespace`: a Service (core group) by name,
 * namespace and port, or an Istio `Hostname` (group networking.istio.io) for a mesh registry host. A cross-namespace
 * reference is recorded in `grants`. Subsets have no Gateway API equivalent (Istio recommends one Service per version).
 */
export function backendRef(scope: IConstruct, field: string, dest: Destination, routeKind: string, routeNamespace: string,
  grants: ReferenceGrants, weight: number | undefined): BackendRef {
  if (dest.subset !== undefined) {
    throw new IstioGatewaysError(scope, `${field}: subset "${dest.subset}" of ${dest.name} has no Gateway API equivalent (backendRefs name Services, not DestinationRule subsets); route to a Service per version, or use api: GatewayApi.ISTIO`);
  }
  if (dest.port === undefined) {
    throw new IstioGatewaysError(scope, `${field}: ${dest.name} has no port; a Gateway API backendRef needs one, e.g. Destination.host("${dest.name}", { port: 443 })`);
  }
  if (dest.isService) {
    const ns = dest.namespace ?? routeNamespace;
    grants.add({ fromKind: routeKind, fromNamespace: routeNamespace, toGroup: '', toKind: 'Service', toNamespace: ns, toName: dest.name });
    return { group: '', kind: 'Service', name: dest.name, namespace: ns !== routeNamespace ? ns : undefined, port: dest.port, weight };
  }
  return { group: 'networking.istio.io', kind: 'Hostname', name: dest.name, port: dest.port, weight };
}
