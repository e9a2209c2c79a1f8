export * from './gateway-workload';
export * from './gateway-base';
export * from './ingress-gateway';
export * from './destination';
export * from './credential';
export * from './client-ca';
export * from './server-tls';
export * from './header-operations';
export * from './http-route';
export * from './http-host-base';
export * from './http-host';
export * from './secure-host';
export * from './tcp-route';
export * from './sni-passthrough';
export * from './egress-gateway';
export * from './egress-route';
export * from './istio-operator';
export * from './access-logging';
export * from './checks';
export * from './mesh-config';
// The error every construct throws, for TypeScript/JavaScript (`err instanceof IstioGatewaysError`,
// `err.constructPath`). jsii cannot represent Error subclasses, so it is exported as a value and a type, outside the
// jsii type model: in the other languages the error arrives as the runtime's error type with the same message.
import { IstioGatewaysError as IstioGatewaysErrorClass } from './errors';
export const IstioGatewaysError = IstioGatewaysErrorClass;
export type IstioGatewaysError = IstioGatewaysErrorClass;
export type { Finding, ResourceRef } from './check/findings';
export { Severity } from './check/findings';
export * from './gateway-api/api';
export * from './gateway-api/automated-workload';
