import { ObjectStore } from '../../src/check/index/objects';
import { KubeObject, stringMap } from '../../src/check/model';

const deployment = (apiVersion: string, name: string, meta: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion, kind: 'Deployment', metadata: { name, namespace: 'a', ...meta }, spec: {} });
const store = (manifests: KubeObject[], context: KubeObject[] = []) =>
  new ObjectStore({ manifests, context, defaultNamespace: 'default', sources: manifests.map((_, i) => ({ file: 'f.yaml', line: i + 1 })) });

describe('ObjectStore identities', () => {
  test('get() gives the oldest of the objects that share an identity (two API groups of one kind)', () => {
    const s = store([
      deployment('apps/v1', 'web'),
      deployment('extensions/v1beta1', 'web', { creationTimestamp: '2024-01-01T00:00:00Z' }),
    ]);
    expect(s.ofKind('Deployment').map((o) => o.apiVersion)).toEqual(['extensions/v1beta1', 'apps/v1']);
    expect(s.get('Deployment', 'a', 'web')?.apiVersion).toBe('extensions/v1beta1');
    expect(s.duplicates).toEqual([]);
  });

  test('the later copy of a manifest replaces the earlier; context objects of one identity are all kept, oldest first', () => {
    const s = store([deployment('apps/v1', 'web'), deployment('apps/v1', 'api'), deployment('apps/v1', 'web', { labels: { v: '2' } })], [
      deployment('apps/v1', 'api'),
      deployment('apps/v1', 'ctx', { labels: { n: '1' } }),
      deployment('apps/v1', 'ctx', { labels: { n: '2' } }),
    ]);
    expect(s.objects.map((o) => [o.name, o.isContext, o.order, o.labels])).toEqual([
      ['ctx', true, 0, { n: '1' }], ['ctx', true, 1, { n: '2' }], ['api', false, 2, {}], ['web', false, 3, { v: '2' }],
    ]);
    expect(s.get('Deployment', 'a', 'ctx')?.labels).toEqual({ n: '1' });
    expect(s.get('Deployment', 'a', 'api')?.isContext).toBe(false);
    expect(s.duplicates.map((d) => [d.object.labels, d.replaced, d.copies])).toEqual([[{ v: '2' }, { file: 'f.yaml', line: 1 }, 2]]);
  });
});

describe('ObjectStore lookups', () => {
  test('get() finds each object when names repeat across namespaces and kinds; identities stay apart', () => {
    const vs = (name: string, namespace: string): KubeObject =>
      ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec: {} });
    const s = store([vs('app', 't1'), vs('app', 't2'), vs('api', 't1'), vs('app', 't3'), deployment('apps/v1', 'app'), vs('app', 't1')]);
    expect(s.get('VirtualService', 't2', 'app')?.source).toEqual({ file: 'f.yaml', line: 2 });
    expect(s.get('VirtualService', 't3', 'app')?.source).toEqual({ file: 'f.yaml', line: 4 });
    expect(s.get('VirtualService', 't1', 'app')?.source).toEqual({ file: 'f.yaml', line: 6 });
    expect(s.get('VirtualService', 't1', 'api')?.name).toBe('api');
    expect(s.get('VirtualService', 't2', 'api')).toBeUndefined();
    expect(s.get('VirtualService', 'a', 'app')).toBeUndefined();
    expect(s.get('Deployment', 'a', 'app')?.kind).toBe('Deployment');
    expect(s.get('Deployment', 't1', 'app')).toBeUndefined();
    expect(s.duplicates.map((d) => [d.object.namespace, d.object.name, d.replaced, d.copies])).toEqual([['t1', 'app', { file: 'f.yaml', line: 1 }, 2]]);
  });

  test('ref names the object; cluster-scoped objects have no namespace key', () => {
    const s = store([deployment('apps/v1', 'web'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }]);
    expect(s.get('Deployment', 'a', 'web')?.ref).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'a', name: 'web' });
    const ns = s.get('Namespace', 'ignored', 'a')!;
    expect(ns.ref).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'a' });
    expect(Object.keys(ns.ref)).toEqual(['apiVersion', 'kind', 'name']);
  });
});

describe('stringMap', () => {
  test('a map of strings is used as it is; anything else is copied as asStringMap does', () => {
    const labels = { app: 'web', 1: 'one' };
    expect(stringMap(labels)).toBe(labels);
    expect(stringMap({ app: 'web', port: 80, on: true, x: null, y: { z: 1 } })).toEqual({ app: 'web', port: '80', on: 'true' });
    const proto = JSON.parse('{"__proto__": "x", "app": "web"}') as Record<string, unknown>;
    const copy = stringMap(proto);
    expect(copy).not.toBe(proto);
    expect(Object.keys(copy)).toEqual(['app']);
    expect(stringMap('app=web')).toEqual({});
    expect(stringMap(['a'])).toEqual({});
  });
});
