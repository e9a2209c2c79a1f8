import { cdk8s, javascript, JsonFile } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-istio-gateways',
  description: 'Typed cdk8s constructs for the Istio edge (ingress/egress gateways, TLS hosts, TCP and SNI routes) with Istio semantics checked at synth time and a CLI checker for any YAML.',
  author: 'cdk8s-istio-gateways maintainers',
  authorAddress: 'maintainers@cdk8s-istio-gateways.dev',
  repositoryUrl: 'https://github.com/cdk8s-istio-gateways/cdk8s-istio-gateways.git',
  defaultReleaseBranch: 'main',
  keywords: ['cdk8s', 'istio', 'gateway', 'kubernetes', 'service-mesh', 'tls'],
  license: 'Apache-2.0',

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // no GitHub workflows, no release, no dependency upgrades: CI is `.ci/run`.
  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,

  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // Non-jsii runtime dependencies must be bundled into the jsii package.
  // @bufbuild/protobuf is a peer dependency of @bufbuild/cel: bundle it too, or `require()` fails in a user's app.
  // The checker reads YAML with its own kubectl-exact loader (src/check/yaml/): no YAML library at run time.
  bundledDeps: ['ajv@^8.17.1', 'ajv-formats@^3.0.1', '@bufbuild/cel@^0.6.1', '@bufbuild/protobuf@^2.6.2'],

  // jsii targets: names for Python, Java, .NET and Go. Their packages need PyPI/Maven/NuGet/Go proxies, which this
  // project's machines do not reach: `.ci/run` only generates the Python bindings (`npm run bindings`) and compiles
  // them, which catches API names other languages cannot express. See README "Other languages".
  publishToPypi: { distName: 'cdk8s-istio-gateways', module: 'cdk8s_istio_gateways' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_istio_gateways',
    mavenGroupId: 'io.github.cdk8s-istio-gateways',
    mavenArtifactId: 'cdk8s-istio-gateways',
  },
  publishToNuget: { dotNetNamespace: 'Cdk8sIstioGateways', packageId: 'Cdk8sIstioGateways' },
  publishToGo: { moduleName: 'github.com/cdk8s-istio-gateways/cdk8s-istio-gateways-go' },
  devDeps: [
    // `import` task (yaml), benchmarks and tests (js-yaml, the parse baseline)
    'yaml@^2.9.1',
    'js-yaml@^4.1.0',
    'cdk8s-plus-28@2.5.6',
    'cdk8s-cli@^2.207.60',
    'fast-check@^4.10.2',
    '@peculiar/x509@^2.2.0',
    '@types/js-yaml@^4.0.9',
    // @peculiar/x509 (test certificates) needs a Reflect.metadata polyfill (tsyringe).
    'reflect-metadata@^0.2.2',
    // bundles @bufbuild/cel and the Kubernetes CEL library into crds/cel/runtime.js (src/check/schema/cel-runtime.ts)
    // and the CLI into lib/cli.js (src/cli/bundle.ts); pinned: the generated files must not change with its version
    'esbuild@0.28.2',
  ],
  // the CLI bundled into one file after jsii (src/cli/bundle.ts, see the compile task below)
  bin: { 'cdk8s-istio-gateways': 'lib/cli.js' },

  // jsii compiles src/ and the generated L1 classes in imports/ (rootDir ".").
  tsconfig: {
    compilerOptions: { rootDir: '.' },
    include: ['src/**/*.ts', 'imports/**/*.ts'],
  },
  tsconfigDev: {
    compilerOptions: {},
    // test/tsconfig.json: type-checks tests, examples and benchmarks (`npx projen typecheck`).
    include: ['**/*.ts', '../src/**/*.ts', '../imports/**/*.ts', '../examples/**/*.ts', '../bench/**/*.ts'],
  },

  // ts-jest transpiles only (fast on 2 cores); jsii type-checks src/ at compile time, `typecheck` checks the rest.
  tsJestOptions: { transformOptions: { isolatedModules: true } },
  jestOptions: {
    // snapshots must fail when they differ: never rewrite them in `npm test`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
      testTimeout: 120_000,
      // every test process writes its temp files (cdk8s.outdir.* of Testing.app()) into one folder per run, removed
      // at the end; on CI the teardown fails a run that left any cdk8s.outdir.* in the temp folder
      globalSetup: '<rootDir>/test/util/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/util/jest-global-teardown.ts',
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench'],
    ignorePatterns: ['imports/**', 'lib/**', 'dist/**', 'node_modules/**', '*.js', '*.d.ts'],
  },
  docgen: true,
  gitignore: ['/dist/', '/bench/results.json', '/bench/out/', '.cdk8s-import-tmp/', '/tools/kubectl-yaml/bin/'],
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/bench/', '/test/', '/.ci/', '/crds/SHA256SUMS'] },
});

// eslint's project service needs a tsconfig next to examples/ and bench/ (they are type-checked by test/tsconfig.json).
for (const dir of ['examples', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'] },
    marker: true,
    allowComments: true,
  });
}
// Rule and fixture tables in tests are naturally wide.
project.eslint?.addOverride({ files: ['test/**/*.ts'], rules: { '@stylistic/max-len': ['error', { code: 260, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }] } });

// jsii compiles src/ and imports/ with rootDir ".", so the entry point is lib/src/index.js.
project.package.addField('main', 'lib/src/index.js');
project.package.addField('types', 'lib/src/index.d.ts');

// The registry lacks some platform builds of unrs-resolver 1.13.0 (a transitive dev dependency of the eslint
// import resolver), so a lockfile made on Linux breaks `npm ci` elsewhere. 1.12.2 has them all.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

/**
 * Post-processing of the generated L1 classes (run by the `import` task: its source is passed to `node -e`).
 * cdk8s import copies each object of a spec with one spread per defined key (`Object.entries(x).reduce((r, i) =>
 * ({ ...r, [i[0]]: i[1] }), {})`): quadratic in the keys and an intermediate object per key, which made our objects'
 * `toJson()` 1.5–1.8× as slow as a plain ApiObject's and a good part of synth's garbage. This replaces each such
 * copy with a call of one linear helper, written to imports/l1-copies.ts, with the same result: the defined entries in
 * the same order, `__proto__` as an own key (as a computed key in an object literal defines it), the mapping function
 * applied to each value where there is one. test/imports.test.ts checks it against the spread form.
 */
function linearL1Copies(): void {
  const fs = require('fs');
  const plain = /Object\.entries\(([^()]+)\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: i\[1\] \}\), \{\}\)/g;
  const mapped = /Object\.entries\(([^()]+)\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: (toJson_\w+)\(i\[1\]\) \}\), \{\}\)/g;
  const header = "import { Construct } from \x27constructs\x27;\n";
  const files = fs.readdirSync('imports').filter((n: string) => n.endsWith('.ts'));
  for (const f of files) {
    const path = `imports/${f}`;
    const text: string = fs.readFileSync(path, 'utf8');
    const out = text.replace(plain, 'definedEntries($1)').replace(mapped, 'definedEntries($1, $2)');
    if (out.includes('.reduce((r, i)') || !out.includes(header)) {
      throw new Error(`${path}: not the code the import task knows; update linearL1Copies in .projenrc.ts`);
    }
    fs.writeFileSync(path, out.replace(header, `${header}import { definedEntries } from \x27./l1-copies\x27;\n`));
  }
  // [indent, text]
  fs.writeFileSync('imports/l1-copies.ts', [
    [0, '// written by the `import` task (.projenrc.ts, linearL1Copies); the generated L1 mappings call it'],
    [0, ''],
    [0, '/** The defined entries of `o` (mapped by `f`), in order, in a new object: what the spread copies of cdk8s import make. */'],
    [0, 'export function definedEntries(o: { [key: string]: any }, f?: (v: any) => any): { [key: string]: any } {'],
    [1, 'const out: { [key: string]: any } = {};'],
    [1, 'for (const k of Object.keys(o)) {'],
    [2, 'const v = o[k];'],
    [2, 'if (v === undefined) continue;'],
    [2, 'const x = f ? f(v) : v;'],
    [2, 'if (k === \x27__proto__\x27) Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });'],
    [2, 'else out[k] = x;'],
    [1, '}'],
    [1, 'return out;'],
    [0, '}'],
    [0, ''],
  ].map(([depth, line]) => ' '.repeat(2 * (depth as number)) + line).join('\n'));
}

// `imports/`: L1 classes generated by `cdk8s import` from the vendored CRDs (crds/, byte-exact upstream copies).
// Only the v1 kinds we build on are imported; see crds/README.md for provenance.
const importTask = project.addTask('import', {
  description: 'Regenerate imports/ (typed L1 classes) from the vendored CRDs in crds/',
});
importTask.exec('rm -rf imports .cdk8s-import-tmp && mkdir -p imports .cdk8s-import-tmp');
importTask.exec(
  'node -e "' +
    "const fs=require('fs'),y=require('yaml');" +
    "const want={'networking.istio.io':'v1','telemetry.istio.io':'v1'};" +
    "const docs=y.parseAllDocuments(fs.readFileSync('crds/istio-crds.yaml','utf8')).map(d=>d.toJS()).filter(d=>d&&want[d.spec.group]&&['Gateway','VirtualService','DestinationRule','ServiceEntry','Telemetry'].includes(d.spec.names.kind));" +
    'for(const d of docs){d.spec.versions=d.spec.versions.filter(v=>v.name===want[d.spec.group]);}' +
    "fs.writeFileSync('.cdk8s-import-tmp/istio-v1.yaml',docs.map(d=>y.stringify(d)).join('---\\n'));" +
    '"',
);
importTask.exec('cdk8s import .cdk8s-import-tmp/istio-v1.yaml -l typescript -o imports --no-save --no-check-upgrade');
importTask.exec('cdk8s import crds/cert-manager-certificates.yaml -l typescript -o imports --no-save --no-check-upgrade');
// Gateway API (gateway.networking.k8s.io): the v1 version of each kind (all served by the vendored standard channel).
importTask.exec(
  'node -e "' +
    "const fs=require('fs'),y=require('yaml');" +
    "const docs=['gateways','httproutes','tlsroutes','tcproutes','referencegrants'].flatMap(k=>y.parseAllDocuments(fs.readFileSync('crds/gateway-api-'+k+'.yaml','utf8')).map(d=>d.toJS()).filter(Boolean));" +
    "for(const d of docs){d.spec.versions=d.spec.versions.filter(v=>v.name==='v1');}" +
    "fs.writeFileSync('.cdk8s-import-tmp/gateway-api-v1.yaml',docs.map(d=>y.stringify(d)).join('---\\n'));" +
    '"',
);
importTask.exec('cdk8s import .cdk8s-import-tmp/gateway-api-v1.yaml -l typescript -o imports --no-save --no-check-upgrade');
importTask.exec('rm -rf .cdk8s-import-tmp');
// base64: projen's own task shell would otherwise reinterpret the function's backslashes and spaces
importTask.exec(`node -e "eval(Buffer.from('${Buffer.from(`(${linearL1Copies.toString()})()`).toString('base64')}', 'base64').toString())"`);

// `npm run examples`: synthesize every example app under dist/examples/<name>/.
project.addTask('examples', {
  description: 'Synthesize every example app into dist/examples/<name>/',
  exec: 'ts-node --transpile-only --project test/tsconfig.json examples/synth-all.ts',
});

// The bin: the CLI bundled by esbuild from jsii's lib/ (its own modules only; packages stay requires), for start-up.
project.compileTask.exec('node lib/src/cli/bundle.js lib/src/cli/main.js lib/cli.js');

// `npx projen cel-runtime`: regenerate crds/cel/runtime.js (@bufbuild/cel and the Kubernetes CEL library bundled into
// one file, src/check/schema/cel-runtime.ts) and crds/cel/parsed.tsv (the CRDs' CEL expressions parsed,
// src/check/schema/cel-parsed.ts), for the CLI's start-up. test/check/schema-cel-runtime.test.ts fails when they are
// out of date (after an upgrade of @bufbuild/cel, a change of src/check/cel-k8s*.ts or of the CRDs).
project.addTask('cel-runtime', {
  description: 'Regenerate crds/cel/ (the bundled CEL runtime of the schema checks and the parsed CRD CEL rules)',
  exec: 'node -r ts-node/register/transpile-only -e "require(\'./src/check/schema/cel-runtime\').writeCelRuntime()"',
});

// `npm run bench`: synth and check benchmarks (not part of the test suite).
project.addTask('bench', {
  description: 'Run the synth and check benchmarks; writes bench/results.json',
  exec: 'node --expose-gc -r ts-node/register/transpile-only bench/run.ts',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json' },
});

// `npm run soak`: every property test (fast-check, test/util/property.ts) and the CLI fuzz test at 100,000 runs each.
project.addTask('soak', {
  description: 'Run the property and fuzz tests at PROPERTY_RUNS=100000 (FC_SEED=<n> to replay a failure)',
  exec: 'jest --ci --testTimeout=604800000',
  env: { PROPERTY_RUNS: '100000' },
  receiveArgs: true,
});

// Tests are transpiled without type checks (isolatedModules); this checks test/, examples/ and bench/ types.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check tests, examples and benchmarks',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependSpawn(typecheck);

// `npm run bindings`: generate the Python bindings offline (no PyPI) and byte-compile them: fails when the public API
// has a name or shape Python cannot express. The other targets' builds need registries we do not reach.
project.addTask('bindings', {
  description: 'Generate the Python bindings (code only, offline) and compile them with python3',
  steps: [
    { exec: 'rm -rf dist/bindings && jsii-pacmak --code-only -t python -o dist/bindings' },
    { exec: 'python3 -m compileall -q dist/bindings/python' },
  ],
});

project.synth();
