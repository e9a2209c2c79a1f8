/**
 * Shared representation of the Kubernetes CEL library types (see cel-k8s.ts): values of URL, IP, CIDR and Quantity
 * are CEL maps holding one reserved key, so they compare by value and pass through @bufbuild/cel untouched.
 */
import { celMap, isCelMap } from '@bufbuild/cel';
import type { CelMap } from '@bufbuild/cel';

export const URL_KEY = '$k8s.url';
export const IP_KEY = '$k8s.ip';
export const CIDR_KEY = '$k8s.cidr';
export const QUANTITY_KEY = '$k8s.quantity';

/** A library value: a CEL map with the type's reserved key. */
export function opaque(key: string, value: string): CelMap {
  return celMap(new Map([[key, value]]));
}

/** The string inside a library value of the given key; throws CEL's "no such overload" for anything else. */
export function unwrap(v: unknown, key: string, typeName: string): string {
  if (isCelMap(v)) {
    const s = v.get(key);
    if (typeof s === 'string') return s;
  }
  throw new Error(`no such overload: expected a ${typeName}`);
}
