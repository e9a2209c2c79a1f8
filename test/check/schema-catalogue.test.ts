/**
 * crds/catalogue.json is generated from the vendored CRD YAML files (src/check/schema/catalogue.ts): the checks read
 * it instead of parsing 1.8 MB of YAML at start-up. This test keeps it up to date:
 * `UPDATE_CRD_CATALOGUE=1 npx jest test/check/schema-catalogue` rewrites it after a CRD update.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CATALOGUE_FILE, buildCatalogueJson, crdDirectory } from '../../src/check/schema/catalogue';

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
