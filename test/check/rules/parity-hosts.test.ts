import * as fc from 'fast-check';
import { ParityHostSet, parityOverlap } from '../../../src/check/rules/parity-hosts';
import { fcParams } from '../../util/property';

describe('ParityHostSet', () => {
  // small alphabets so that hosts repeat and overlap; up to 30 hosts crosses the linear-scan limit of 8 wildcards
  const label = fc.constantFrom('a', 'b', 'ab', 'x-y');
  const host = fc.oneof(
    fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.')),
    fc.array(label, { minLength: 0, maxLength: 2 }).map((ls) => `*${ls.map((l) => `.${l}`).join('')}`),
    fc.array(label, { minLength: 1, maxLength: 2 }).map((ls) => `*${ls.join('.')}`),
  );

  test('overlapsAny(h) is parityOverlap(g, h) for some added host g', () => {
    fc.assert(fc.property(fc.array(host, { maxLength: 30 }), fc.array(host, { minLength: 1, maxLength: 10 }), (added, queries) => {
      const set = new ParityHostSet();
      for (const g of added) set.add(g);
      for (const h of queries) expect(set.overlapsAny(h)).toBe(added.some((g) => parityOverlap(g, h)));
    }), fcParams(200));
  });

  test('one exact host, the same host twice, then a second one', () => {
    const set = new ParityHostSet();
    expect(set.overlapsAny('a.example.com')).toBe(false);
    set.add('a.example.com');
    set.add('a.example.com');
    expect(set.overlapsAny('a.example.com')).toBe(true);
    expect(set.overlapsAny('b.example.com')).toBe(false);
    expect(set.overlapsAny('*.example.com')).toBe(true);
    set.add('b.example.com');
    expect(set.overlapsAny('b.example.com')).toBe(true);
    expect(set.overlapsAny('a.example.com')).toBe(true);
  });
});
