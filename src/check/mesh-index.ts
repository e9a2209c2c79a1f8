/**
 * Entry point of the MeshIndex (see ./index/mesh-index.ts): the class and the shapes rules read, re-exported from the
 * modules of ./index/.
 */
export { MeshIndex } from './index/mesh-index';
export type { MeshIndexOptions } from './index/mesh-index';
export { kindKey, isClusterScoped } from './index/objects';
export type { IndexedObject } from './index/objects';
export { HostIndex } from './index/host-index';
export type { MeshSettings } from './index/mesh-config';
export type { ServiceInfo, ServicePortInfo } from './index/services';
export { describeWorkload } from './index/workloads';
export type { InstallAssumption, WorkloadInfo, WorkloadRole } from './index/workloads';
export type { ResolvedPort } from './index/ports';
export type { PodInfo } from './index/pods';
export { isHttpFamily, routeKindOf } from './index/servers';
export type { GatewayServer, GatewayServerHost, ListenerBucket, RouteKind } from './index/servers';
export { resolveGatewayName } from './index/gateway-refs';
export type { GatewayRef } from './index/gateway-refs';
export type { RegistryEntry, ScopedEntry } from './index/registry';
export { parityFqdn } from './index/registry';
export { allOrSome } from './index/util';

