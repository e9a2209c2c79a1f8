// written by the `import` task (.projenrc.ts, linearL1Copies); the generated L1 mappings call it

/** The defined entries of `o` (mapped by `f`), in order, in a new object: what the spread copies of cdk8s import make. */
export function definedEntries(o: { [key: string]: any }, f?: (v: any) => any): { [key: string]: any } {
  const out: { [key: string]: any } = {};
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined) continue;
    const x = f ? f(v) : v;
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}
