/**
 * A table of values by namespace and name that builds no key string per value or per lookup.
 */

/**
 * Values by name, then, only for a name that several namespaces share (tenants repeat names), by namespace. The name
 * and namespace strings are the values' own and are hashed once; most names belong to one namespace, so most values
 * cost one map entry (a `namespace/name` key per value would be a string kept per value for the whole analysis).
 */
export class NamespacedNames<T extends object> {
  private readonly byName = new Map<string, T | Map<string, T>>();

  /** `namespaceOf` gives a value's namespace ('' for none); values are never Maps. */
  constructor(private readonly namespaceOf: (value: T) => string) {}

  /** The value of `namespace` and `name`. */
  public get(namespace: string, name: string): T | undefined {
    const e = this.byName.get(name);
    if (e === undefined) return undefined;
    if (e instanceof Map) return e.get(namespace);
    return this.namespaceOf(e) === namespace ? e : undefined;
  }

  /**
   * Records `value` under its namespace and `name`; a value already there stays, unless `replace`. True when there was
   * none.
   */
  public set(name: string, value: T, replace: boolean): boolean {
    const namespace = this.namespaceOf(value);
    const e = this.byName.get(name);
    if (e === undefined) {
      this.byName.set(name, value);
      return true;
    }
    if (e instanceof Map) {
      const had = e.has(namespace);
      if (!had || replace) e.set(namespace, value);
      return !had;
    }
    const other = this.namespaceOf(e);
    if (other === namespace) {
      if (replace) this.byName.set(name, value);
      return false;
    }
    this.byName.set(name, new Map([[other, e], [namespace, value]]));
    return true;
  }
}
