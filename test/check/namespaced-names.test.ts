import { NamespacedNames } from '../../src/check/index/namespaced-names';

interface Item { readonly namespace: string; readonly name: string; readonly v: number }
const item = (namespace: string, name: string, v: number): Item => ({ namespace, name, v });

describe('NamespacedNames', () => {
  test('values by namespace and name, whether a name belongs to one namespace or to several', () => {
    const t = new NamespacedNames<Item>((i) => i.namespace);
    expect(t.set('app', item('t1', 'app', 1), false)).toBe(true);
    expect(t.set('api', item('t1', 'api', 2), false)).toBe(true);
    expect(t.set('app', item('t2', 'app', 3), false)).toBe(true);
    expect(t.set('app', item('', 'app', 4), false)).toBe(true);
    expect([t.get('t1', 'app')?.v, t.get('t2', 'app')?.v, t.get('', 'app')?.v, t.get('t1', 'api')?.v]).toEqual([1, 3, 4, 2]);
    expect([t.get('t3', 'app'), t.get('t2', 'api'), t.get('t1', 'web')]).toEqual([undefined, undefined, undefined]);
  });

  test('a second value of one namespace and name is refused, or replaces the first with replace', () => {
    const t = new NamespacedNames<Item>((i) => i.namespace);
    t.set('api', item('t1', 'api', 1), false);
    expect(t.set('api', item('t1', 'api', 2), false)).toBe(false);
    expect(t.get('t1', 'api')?.v).toBe(1);
    expect(t.set('api', item('t1', 'api', 3), true)).toBe(false);
    expect(t.get('t1', 'api')?.v).toBe(3);
    // the same once the name is shared by two namespaces
    t.set('api', item('t2', 'api', 4), false);
    expect(t.set('api', item('t1', 'api', 5), false)).toBe(false);
    expect(t.get('t1', 'api')?.v).toBe(3);
    expect(t.set('api', item('t2', 'api', 6), true)).toBe(false);
    expect([t.get('t1', 'api')?.v, t.get('t2', 'api')?.v]).toEqual([3, 6]);
  });
});
