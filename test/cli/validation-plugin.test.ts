import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pluginModule from '../../src/validation-plugin';
import { IstioGatewaysValidation, ValidationContextLike } from '../../src/validation-plugin';

type Violation = Parameters<ValidationContextLike['report']['addViolation']>[0];

function fakeContext(manifests: string[]) {
  const violations: Violation[] = [];
  let status: string | undefined;
  let metadata: Record<string, string> | undefined;
  const context: ValidationContextLike = {
    manifests,
    report: {
      addViolation: (v) => violations.push(v),
      submit: (s, m) => {
        status = s;
        metadata = m;
      },
    },
    logger: { log: () => undefined },
  };
  return { context, violations, result: () => ({ status, metadata }) };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cig-plugin-'));
  fs.writeFileSync(path.join(dir, 'bad.k8s.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: shop\n  namespace: shop\nspec:\n  hosts: [shop.example.com]\n  htp: []\n');
  fs.writeFileSync(path.join(dir, 'service.k8s.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports: [{port: 80}]\n');
  fs.writeFileSync(path.join(dir, 'broken.k8s.yaml'), 'a: b\n  c: d\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('reports findings as cdk8s violations and fails on errors', async () => {
  const { context, violations, result } = fakeContext([path.join(dir, 'bad.k8s.yaml')]);
  await new IstioGatewaysValidation().validate(context);
  const prune = violations.find((v) => v.ruleName === '[error] SCH-PRUNE-001');
  expect(prune).toEqual({
    ruleName: '[error] SCH-PRUNE-001',
    recommendation: "VirtualService shop/shop: unknown field htp: the apiserver drops it (or rejects the object with kubectl's strict validation), so it has no effect",
    fix: 'did you mean spec.http? otherwise remove htp',
    violatingResources: [{ resourceName: 'shop', locations: ['spec.htp'], manifestPath: path.join(dir, 'bad.k8s.yaml') }],
  });
  expect(result().status).toBe('failure');
  expect(Number(result().metadata?.errors)).toBeGreaterThan(0);
});

test('passes on clean manifests', async () => {
  const { context, violations, result } = fakeContext([path.join(dir, 'service.k8s.yaml')]);
  await new IstioGatewaysValidation({ failOn: 'error' }).validate(context);
  expect(violations.filter((v) => v.ruleName.startsWith('[error]'))).toEqual([]);
  expect(result().status).toBe('success');
});

test('a manifest that does not parse is a failing violation with file:line', async () => {
  const file = path.join(dir, 'broken.k8s.yaml');
  const { context, violations, result } = fakeContext([file]);
  await new IstioGatewaysValidation().validate(context);
  expect(violations[0]).toMatchObject({ ruleName: '[error] CHK-LOAD-001', recommendation: expect.stringMatching(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}:2: invalid YAML`)) });
  expect(result().status).toBe('failure');
});

test('is loadable the way cdk8s-cli loads plugins: new clazz(properties) with a validate function', () => {
  const clazz = (pluginModule as Record<string, unknown>).IstioGatewaysValidation as new (props: Record<string, unknown>) => { validate: unknown };
  const instance = new clazz({});
  expect(typeof instance.validate).toBe('function');
});
