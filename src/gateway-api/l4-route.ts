/**
 * TCPRoute (TcpRoute) and TLSRoute (SniPassthrough) rendering for `api: GatewayApi.KUBERNETES`.
 * Internal: not exported from index.ts.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#tcproute
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#tlsroute
 */
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { backendRef } from './backend-ref';
import type { KubernetesGateway } from './gateway';
import {
  TcpRoute as TcpRouteL1, TlsRoute as TlsRouteL1, toJson_TcpRouteSpec, toJson_TlsRouteSpec,
} from '../../imports/gateway.networking.k8s.io';
import type { Destination } from '../destination';
import { l1Props } from '../internal/l1-props';
import { objectMetadata } from '../internal/virtual-service';

/** Props of {@link createL4Route}. */
export interface L4RouteProps {
  readonly gateway: KubernetesGateway;
  readonly name?: string;
  readonly namespace: string;
  readonly port: number;
  /** Gateway server hosts (TCP: which listeners; TLS: the SNI hostnames). */
  readonly hosts: readonly string[];
  readonly destination: Destination;
}

/** A TCPRoute forwarding every connection on the port's TCP listener to the destination. */
export function createTcpRoute(scope: Construct, id: string, props: L4RouteProps): ApiObject {
  props.gateway.attach(props.port, props.hosts, props.namespace);
  const ref = backendRef(scope, 'destination', props.destination, 'TCPRoute', props.namespace, props.gateway.grants, undefined);
  return new ApiObject(scope, id, l1Props(TcpRouteL1.GVK, {
    metadata: objectMetadata(props.name, props.namespace),
    spec: Lazy.any({
      produce: () => toJson_TcpRouteSpec({
        parentRefs: props.gateway.parentRefs(props.port, props.hosts, props.namespace),
        rules: [{ backendRefs: [ref] }],
      }),
    }),
  }));
}

/** A TLSRoute passing connections for the SNI hosts through to the destination. */
export function createTlsRoute(scope: Construct, id: string, props: L4RouteProps): ApiObject {
  props.gateway.attach(props.port, props.hosts, props.namespace);
  const ref = backendRef(scope, 'destination', props.destination, 'TLSRoute', props.namespace, props.gateway.grants, undefined);
  return new ApiObject(scope, id, l1Props(TlsRouteL1.GVK, {
    metadata: objectMetadata(props.name, props.namespace),
    spec: Lazy.any({
      produce: () => toJson_TlsRouteSpec({
        parentRefs: props.gateway.parentRefs(props.port, props.hosts, props.namespace),
        hostnames: [...props.hosts].map((h) => h.toLowerCase()).sort(),
        rules: [{ backendRefs: [ref] }],
      }),
    }),
  }));
}
