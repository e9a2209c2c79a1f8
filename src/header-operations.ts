/**
 * Changes to the headers of a request (before it is forwarded) or of a response (before it is returned). Header
 * names are case-insensitive: one name may appear once per list.
 *
 * @example
 * const ops: HeaderOperations = { set: { 'x-env': 'prod' }, add: { 'x-trace': 'on' }, remove: ['x-debug'] };
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers
 */
export interface HeaderOperations {
  /**
   * Headers to overwrite (or create), by name.
   * @default - none
   * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers-HeaderOperations
   */
  readonly set?: { [name: string]: string };
  /**
   * Headers to append to (or create), by name.
   * @default - none
   * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers-HeaderOperations
   */
  readonly add?: { [name: string]: string };
  /**
   * Names of headers to remove.
   * @default - none
   * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers-HeaderOperations
   */
  readonly remove?: string[];
}
