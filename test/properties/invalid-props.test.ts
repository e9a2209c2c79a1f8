/**
 * Random invalid props (one mistake each, see ./invalid.ts): every one is rejected with an IstioGatewaysError naming
 * the construct path, or — for cross-object facts — a synth failure naming a rule ID and the construct path; never a
 * TypeError, never a message with `undefined`/`NaN`/`[object Object]` (unless that is the bad value), never YAML.
 */
import * as fc from 'fast-check';
import { assertRejected, invalidCase } from './invalid';
import { fcParams } from '../util/property';

export const INVALID_RUNS = 1000;

test(`${INVALID_RUNS} random invalid configurations are rejected with a path-prefixed validation error`, () => {
  fc.assert(fc.property(invalidCase, (c) => {
    assertRejected(c);
  }), fcParams(INVALID_RUNS));
});
