export * from './gateway-workload';
export * from './gateway-base';
export * from './ingress-gateway';
export * from './destination';
export * from './credential';
export * from './server-tls';
