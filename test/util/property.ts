/**
 * Run counts and seeds of every fast-check property in the suite (one place, so all of them replay and soak alike).
 *
 * - `PROPERTY_RUNS=N` runs every property N times instead of its CI default (`npm run soak` uses 100000);
 *   `PROPERTY_RUNS=x4` multiplies each default.
 * - `FC_SEED=S` (and `FC_PATH=P`, printed by fast-check with a failure) replays a run exactly.
 * - `FC_NO_SHRINK=1` reports the first counterexample without shrinking (faster on expensive properties).
 */
import * as fc from 'fast-check';

/** numRuns for a property whose CI default is `ciDefault`, after `PROPERTY_RUNS`. */
export function runs(ciDefault: number): number {
  const env = process.env.PROPERTY_RUNS;
  if (!env) return ciDefault;
  const mul = /^x(\d+(?:\.\d+)?)$/i.exec(env.trim());
  if (mul) return Math.max(1, Math.round(ciDefault * Number(mul[1])));
  const n = Number(env);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : ciDefault;
}

/** The seed from `FC_SEED`, if set (an integer; fast-check prints it with every failure). */
export function seed(): number | undefined {
  const s = process.env.FC_SEED;
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  if (!Number.isInteger(n)) throw new Error(`FC_SEED must be an integer, not "${s}"`);
  return n;
}

/** fast-check parameters for a property whose CI default is `ciDefault` runs: honours PROPERTY_RUNS, FC_SEED, FC_PATH. */
export function fcParams<T = unknown>(ciDefault: number): fc.Parameters<T> {
  const s = seed();
  const p = process.env.FC_PATH;
  return {
    numRuns: runs(ciDefault),
    ...(s !== undefined ? { seed: s } : {}),
    ...(s !== undefined && p ? { path: p } : {}),
    endOnFailure: process.env.FC_NO_SHRINK ? true : false,
    maxSkipsPerRun: 100,
  };
}
