/**
 * crds/catalogue.json is generated from the vendored CRD YAML files (src/check/schema/catalogue.ts): the checks read
 * it instead of parsing 1.8 MB of YAML at start-up; crds/validators/ holds the ajv validators compiled at build time
 * (src/check/schema/precompiled.ts). This test keeps both up to date:
 * `UPDATE_CRD_CATALOGUE=1 npx jest test/check/schema-catalogue` rewrites them after a CRD update.
 */
import * as fs from 'fs';
import * as path from 'path';
import { validateManifest } from '../../src/check/schema';
import { CATALOGUE_FILE, buildCatalogueJson, crdDirectory, loadCatalog } from '../../src/check/schema/catalogue';
import { compileKind } from '../../src/check/schema/compile';
import { VALIDATORS_DIR, buildValidators, precompiledValidator } from '../../src/check/schema/precompiled';

const file = path.join(crdDirectory(), CATALOGUE_FILE);

test('crds/catalogue.json matches the CRD YAML files', () => {
  const expected = buildCatalogueJson();
  if (process.env.UPDATE_CRD_CATALOGUE === '1') fs.writeFileSync(file, expected);
  expect(fs.existsSync(file)).toBe(true);
  // compared as text: the file is deterministic (YAML files in name order, documents in file order)
  expect(fs.readFileSync(file, 'utf8') === expected).toBe(true);
});

test('it records the sha256 of every YAML file, as crds/SHA256SUMS does', () => {
  const sums = Object.fromEntries(fs.readFileSync(path.join(crdDirectory(), 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => {
    const [sum, name] = l.split(/\s+/);
    return [name, sum];
  }));
  const { sources } = JSON.parse(fs.readFileSync(file, 'utf8')) as { sources: Record<string, string> };
  expect(sources).toStrictEqual(sums);
});

test('schemas keep every keyword but description, and fields named description', () => {
  const { crds } = JSON.parse(fs.readFileSync(file, 'utf8')) as { crds: { names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema: unknown } }[] }[] };
  const text = JSON.stringify(crds);
  expect(text).not.toMatch(/"description":"/);
  const gw = crds.find((c) => c.names.kind === 'Gateway' && JSON.stringify(c).includes('networking.istio.io'));
  expect(gw?.versions.map((v) => v.name)).toEqual(['v1', 'v1alpha3', 'v1beta1']);
  expect(text).toContain('"x-kubernetes-validations"');
});

describe('precompiled validators (crds/validators)', () => {
  const dir = path.join(crdDirectory(), VALIDATORS_DIR);

  test('match the catalogue: one module per distinct served schema, formats.js and index.json', () => {
    const expected = buildValidators();
    if (process.env.UPDATE_CRD_CATALOGUE === '1') {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      for (const [name, text] of expected) fs.writeFileSync(path.join(dir, name), text);
    }
    expect(fs.readdirSync(dir).sort()).toStrictEqual([...expected.keys()].sort());
    for (const [name, text] of expected) expect(fs.readFileSync(path.join(dir, name), 'utf8') === text).toBe(true);
    const index = JSON.parse(expected.get('index.json') as string) as { kinds: Record<string, string> };
    const served = [...loadCatalog().byGroupKind.values()].flatMap((v) => [...v.values()]).filter((v) => v.served);
    expect(Object.keys(index.kinds).sort()).toStrictEqual(served.map((v) => `${v.group}/${v.version}/${v.kind}`).sort());
  });

  const crd = (group: string, version: string, kind: string) => loadCatalog().byGroupKind.get(`${group}/${kind}`)?.get(version);

  test('the checks use them (no ajv compile) for every served kind', () => {
    for (const [g, v, k] of [['networking.istio.io', 'v1', 'VirtualService'], ['cert-manager.io', 'v1', 'Certificate'], ['gateway.networking.k8s.io', 'v1', 'HTTPRoute']]) {
      const c = crd(g, v, k);
      expect(c).toBeDefined();
      expect(precompiledValidator(c!)).toBe(compileKind(c!).validate);
    }
  });

  test('an index built from other CRD files is not used: those kinds are compiled at run time', () => {
    const indexFile = path.join(dir, 'index.json');
    const real = fs.readFileSync(indexFile, 'utf8');
    const index = JSON.parse(real) as { sources: Record<string, string> };
    const variants = [
      { ...index, sources: { ...index.sources, 'istio-crds.yaml': '0'.repeat(64) } }, // a CRD file changed
      { ...index, sources: { ...index.sources, 'extra.yaml': '0'.repeat(64) } }, // a CRD file added
      { ...index, sources: {} },
      { kinds: (index as unknown as { kinds: unknown }).kinds }, // an index of an older layout
    ];
    for (const variant of variants) {
      jest.isolateModules(() => {
        // the module object itself (the test's `import * as fs` is a frozen namespace)
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const nodeFs = require('fs') as typeof fs;
        const readFileSync = nodeFs.readFileSync;
        const spy = jest.spyOn(nodeFs, 'readFileSync').mockImplementation(((f: fs.PathOrFileDescriptor, o?: unknown) =>
          f === indexFile ? JSON.stringify(variant) : readFileSync(f, o as BufferEncoding)) as typeof fs.readFileSync);
        try {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const isolated = require('../../src/check/schema/precompiled') as typeof import('../../src/check/schema/precompiled');
          expect(isolated.precompiledValidator(crd('networking.istio.io', 'v1', 'VirtualService')!)).toBeUndefined();
        } finally {
          spy.mockRestore();
        }
      });
    }
    // and the index in the repository is used
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../src/check/schema/precompiled') as typeof import('../../src/check/schema/precompiled');
      expect(isolated.precompiledValidator(crd('networking.istio.io', 'v1', 'VirtualService')!)).toBeInstanceOf(Function);
    });
  });

  test('they report exactly what the validators compiled at run time report', () => {
    const bad = [
      { spec: { hosts: ['a.example.com'], http: [{ route: [{ destination: { host: 'x', port: { number: '80' } } }], timeout: 5 }] } },
      { spec: { hosts: 'a.example.com', tcp: [{ match: [{ port: 70000 }] }] } },
      { spec: { hosts: ['a'], http: [{ match: [{ uri: { exact: '/', prefix: '/' } }], route: [] }] } },
    ];
    const vs = crd('networking.istio.io', 'v1', 'VirtualService')!;
    const pre = compileKind(vs);
    const run = compileKind(vs, { precompiled: false });
    expect(run.validate).not.toBe(pre.validate);
    for (const b of bad) {
      const ok1 = pre.validate(b);
      const ok2 = run.validate(b);
      expect(ok1).toBe(ok2);
      const strip = (errs: typeof pre.validate.errors) => (errs ?? []).map((e) => ({ ...e, schema: JSON.stringify(e.schema), parentSchema: JSON.stringify(e.parentSchema) }));
      expect(strip(pre.validate.errors)).toStrictEqual(strip(run.validate.errors));
      expect(strip(pre.validate.errors).length).toBeGreaterThan(0);
    }
    // and end to end: the SCH-OAS-001 messages of one object
    const issues = validateManifest({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'a', namespace: 'b' }, ...bad[1] });
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['spec.hosts']));
  });
});
