/**
 * ReferenceGrants for the cross-namespace references of Gateway API objects: one object per (target namespace,
 * referring kind, referring namespace, target kind), listing exactly the names referred to.
 * Internal: not exported from index.ts.
 */
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GATEWAY_API_GROUP } from './util';
import { ReferenceGrant as ReferenceGrantL1, toJson_ReferenceGrantSpec } from '../../imports/gateway.networking.k8s.io';
import { l1Props } from '../internal/l1-props';

/** One reference from `fromKind` objects in `fromNamespace` to a `toKind` object `toName` in `toNamespace`. */
export interface CrossNamespaceRef {
  /** Kind of the referring object (Gateway, HTTPRoute, TLSRoute, TCPRoute), group gateway.networking.k8s.io. */
  readonly fromKind: string;
  readonly fromNamespace: string;
  /** Core group kind referred to (Secret, Service) or `Hostname` of networking.istio.io. */
  readonly toKind: string;
  /** Group of the target kind ('' for core). */
  readonly toGroup: string;
  readonly toNamespace: string;
  readonly toName: string;
}

/** Collects references and creates one ReferenceGrant per grant key, on first use, under `scope`. */
export class ReferenceGrants {
  private readonly grants = new Map<string, { names: Set<string> }>();

  constructor(private readonly scope: Construct) {}

  /** Records a reference; same-namespace references need no grant and are ignored. */
  public add(ref: CrossNamespaceRef): void {
    if (ref.fromNamespace === ref.toNamespace) return;
    const key = [ref.toNamespace, ref.fromKind, ref.fromNamespace, ref.toGroup, ref.toKind].join('|');
    let g = this.grants.get(key);
    if (!g) {
      const state = { names: new Set<string>() };
      g = state;
      this.grants.set(key, state);
      const id = `ReferenceGrant-${key.replace(/[^a-zA-Z0-9-]+/g, '-')}`;
      new ApiObject(this.scope, id, l1Props(ReferenceGrantL1.GVK, {
        metadata: { namespace: ref.toNamespace },
        spec: Lazy.any({
          produce: () => toJson_ReferenceGrantSpec({
            from: [{ group: GATEWAY_API_GROUP, kind: ref.fromKind, namespace: ref.fromNamespace }],
            to: [...state.names].sort().map((name) => ({ group: ref.toGroup, kind: ref.toKind, name })),
          }),
        }),
      }));
    }
    g.names.add(ref.toName);
  }
}
