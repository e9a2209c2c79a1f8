/**
 * The smallest `reflect-metadata` stand-in tsyringe (a dependency of @peculiar/x509) needs to load; the repo does
 * not ship reflect-metadata. Import it before '@peculiar/x509'.
 */
const store = new WeakMap<object, Map<unknown, unknown>>();
const R = Reflect as unknown as Record<string, unknown>;
if (typeof R.getMetadata !== 'function') {
  const own = (key: unknown, target: object): unknown => store.get(target)?.get(key);
  R.defineMetadata = (key: unknown, value: unknown, target: object): void => {
    let m = store.get(target);
    if (!m) store.set(target, (m = new Map()));
    m.set(key, value);
  };
  R.getOwnMetadata = own;
  R.getMetadata = (key: unknown, target: object): unknown => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const v = own(key, t);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}
export {};
