/**
 * Validation and Istio rendering of {@link HeaderOperations}. Internal: not exported from index.ts.
 */
import { IConstruct } from 'constructs';
import { VirtualServiceSpecHttpHeadersRequest } from '../../imports/networking.istio.io';
import { IstioGatewaysError } from '../errors';
import type { HeaderOperations } from '../header-operations';

/** HTTP token (RFC 7230): the characters a header name may use; also the Gateway API CRD pattern. */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** True for the names that address the authority (Istio turns a set of them into an authority rewrite). */
export function isAuthorityHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'host' || n === ':authority';
}

function checkName(scope: IConstruct, field: string, name: unknown, seen: Set<string>): string {
  if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
    throw new IstioGatewaysError(scope, `${field}: "${String(name)}" is not an HTTP header name; use letters, digits and !#$%&'*+.^_\`|~- only, e.g. "x-request-source"`);
  }
  const lower = name.toLowerCase();
  if (seen.has(lower)) {
    throw new IstioGatewaysError(scope, `${field}: "${name}" is listed twice (header names are case-insensitive); keep one entry`);
  }
  seen.add(lower);
  return name;
}

/**
 * Validates header operations and renders Istio's `HeaderOperations` (maps sorted by name), or undefined when there
 * is nothing to do.
 */
export function renderHeaderOperations(scope: IConstruct, field: string,
  ops: HeaderOperations | undefined): VirtualServiceSpecHttpHeadersRequest | undefined {
  if (ops === undefined) return undefined;
  const values = (op: 'set' | 'add'): { [name: string]: string } | undefined => {
    const m = ops[op] ?? {};
    const seen = new Set<string>();
    const names = Object.keys(m).sort();
    for (const n of names) {
      checkName(scope, `${field}.${op}`, n, seen);
      if (typeof m[n] !== 'string') {
        throw new IstioGatewaysError(scope, `${field}.${op}["${n}"]: ${String(m[n])} is not a string; give the header value as a string`);
      }
    }
    return names.length > 0 ? Object.fromEntries(names.map((n) => [n, m[n]])) : undefined;
  };
  const set = values('set');
  const add = values('add');
  const seen = new Set<string>();
  const remove = (ops.remove ?? []).map((n, i) => checkName(scope, `${field}.remove[${i}]`, n, seen));
  if (!set && !add && remove.length === 0) {
    throw new IstioGatewaysError(scope, `${field}: changes no header; set set, add or remove, or omit ${field.split('.').pop()}`);
  }
  for (const n of remove) {
    const both = Object.keys({ ...set, ...add }).find((k) => k.toLowerCase() === n.toLowerCase());
    if (both !== undefined) {
      throw new IstioGatewaysError(scope, `${field}.remove: "${n}" is also set or added, and Envoy removes before it sets or adds, so the removal does nothing; drop it from remove`);
    }
  }
  return { set, add, remove: remove.length > 0 ? remove : undefined };
}
