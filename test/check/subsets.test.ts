import { destinationRule } from './fixtures';
import { definesSubset, subsetNames } from '../../src/check/index/subsets';
import { MeshIndex } from '../../src/check/mesh-index';

const drWith = (subsets: unknown[]) => new MeshIndex([destinationRule('d', { host: 'reviews', subsets })]).ofKind('DestinationRule')[0];

describe('DestinationRule subsets', () => {
  // up to 8 subsets are scanned, more get a name set: both answer alike
  test.each([2, 12])('definesSubset with %i subsets: named subsets only, never an empty name', (n) => {
    const subsets: unknown[] = Array.from({ length: n }, (_, k) => ({ name: `v${k}` }));
    subsets.push({ name: '' }, { name: 7 }, 'bad', { labels: { version: 'x' } });
    const dr = drWith(subsets);
    expect(definesSubset(dr, 'v0')).toBe(true);
    expect(definesSubset(dr, `v${n - 1}`)).toBe(true);
    expect(definesSubset(dr, `v${n}`)).toBe(false);
    expect(definesSubset(dr, '')).toBe(false);
    expect(definesSubset(dr, '7')).toBe(false);
  });

  test('subsetNames: string names in order, duplicates kept, empty and non-string names dropped', () => {
    expect(subsetNames(drWith([{ name: 'b' }, { name: '' }, { name: 'a' }, { name: 3 }, { name: 'b' }]))).toEqual(['b', 'a', 'b']);
    expect(subsetNames(drWith([]))).toEqual([]);
  });
});
