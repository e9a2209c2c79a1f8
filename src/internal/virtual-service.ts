/**
 * Rendering of the VirtualServices and DestinationRules that several constructs emit.
 * Internal: not exported from index.ts.
 */
import { ApiObject, Chart, IAnyProducer, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DestinationRule as DestinationRuleL1, DestinationRuleSpec, toJson_DestinationRuleSpec,
  toJson_VirtualServiceSpec, VirtualService as VirtualServiceL1, VirtualServiceSpec, VirtualServiceSpecTcpRouteDestination,
} from '../../imports/networking.istio.io';
import type { Destination } from '../destination';
import { l1Props } from './l1-props';

/**
 * What renders an object's spec at synth time, so that later add*() calls still count. A construct with many objects
 * implements it on a small class rather than passing a closure: the tree keeps one of these per object until synth,
 * and a closure also keeps its whole enclosing scope (often the constructor's props) alive.
 */
export interface SpecSource<T> {
  renderSpec(): T;
}

/** A spec fixed at construction. */
export class FixedSpec<T> implements SpecSource<T> {
  constructor(private readonly spec: T) {}

  public renderSpec(): T {
    return this.spec;
  }
}

/** Props of {@link createVirtualService}. */
export interface VirtualServiceObjectProps {
  /** @default - generated from the construct path */
  readonly name?: string;
  readonly namespace: string;
  /** Renders the spec at synth time. Hosts/gateways should be sorted. */
  readonly spec: SpecSource<VirtualServiceSpec>;
}

/** The L1 JSON of a VirtualService spec, rendered when cdk8s resolves the object. */
class VirtualServiceSpecJson implements IAnyProducer {
  constructor(private readonly source: SpecSource<VirtualServiceSpec>) {}

  public produce(): unknown {
    return toJson_VirtualServiceSpec(this.source.renderSpec());
  }
}

/** A VirtualService L1 object with id 'Resource'-style child `id`, spec rendered lazily through the typed L1 mapping. */
export function createVirtualService(scope: Construct, id: string, props: VirtualServiceObjectProps): ApiObject {
  return new ApiObject(scope, id, l1Props(VirtualServiceL1.GVK, {
    metadata: objectMetadata(props.name, props.namespace),
    spec: Lazy.any(new VirtualServiceSpecJson(props.spec)),
  }));
}

/** Props of {@link createDestinationRule}. */
export interface DestinationRuleObjectProps {
  /** @default - generated from the construct path */
  readonly name?: string;
  readonly namespace: string;
  /** Renders the spec at synth time. */
  readonly spec: SpecSource<DestinationRuleSpec>;
}

/** The L1 JSON of a DestinationRule spec, rendered when cdk8s resolves the object. */
class DestinationRuleSpecJson implements IAnyProducer {
  constructor(private readonly source: SpecSource<DestinationRuleSpec>) {}

  public produce(): unknown {
    return toJson_DestinationRuleSpec(this.source.renderSpec());
  }
}

/** A DestinationRule L1 object, spec rendered lazily. */
export function createDestinationRule(scope: Construct, id: string, props: DestinationRuleObjectProps): ApiObject {
  return new ApiObject(scope, id, l1Props(DestinationRuleL1.GVK, {
    metadata: objectMetadata(props.name, props.namespace),
    spec: Lazy.any(new DestinationRuleSpecJson(props.spec)),
  }));
}

/**
 * metadata with the name only when given: cdk8s spreads `metadata` over the generated name, so an explicit
 * `name: undefined` would erase it.
 */
export function objectMetadata(name: string | undefined, namespace: string): { name?: string; namespace: string } {
  return name !== undefined ? { name, namespace } : { namespace };
}

/** The namespace for objects a construct creates: explicit, else the chart's, else the fallback. */
export function namespaceFor(scope: Construct, explicit: string | undefined, fallback: string): string {
  return explicit ?? Chart.of(scope).namespace ?? fallback;
}

/** The wire `destination` of a route to `dest`, with a Service name resolved from `namespace`. */
export function routeDestination(dest: Destination, namespace: string): VirtualServiceSpecTcpRouteDestination {
  return { host: dest._fqdn(namespace), port: dest.port !== undefined ? { number: dest.port } : undefined, subset: dest.subset };
}

/** A DestinationRule defining the destination's subset (id `DestinationRule`), when the destination names its labels. */
export function createSubsetRule(scope: Construct, dest: Destination, namespace: string): ApiObject | undefined {
  if (dest.subset === undefined || dest.subsetLabels === undefined) return undefined;
  const spec: DestinationRuleSpec = { host: dest._fqdn(namespace), subsets: [{ name: dest.subset, labels: { ...dest.subsetLabels } }] };
  return createDestinationRule(scope, 'DestinationRule', { namespace, spec: new FixedSpec(spec) });
}
