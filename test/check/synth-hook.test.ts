import { ApiObject, App, Chart, JsonPatch, Lazy, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { injectedGateway } from './fixtures';
import { SUPPRESS_ANNOTATION } from '../../src/check/analyze';
import { checkStats, configureChecks, installChecks, registerContext } from '../../src/check/synth-hook';
import { AssumeInstall, Checks } from '../../src/checks';
import { MeshConfig } from '../../src/mesh-config';

/** A stand-in L2: one Gateway ApiObject under a construct, calling installChecks like the real constructs. */
class Web extends Construct {
  public readonly gw: ApiObject;
  constructor(scope: Construct, id: string, props: { port: number; hosts?: string[]; selector?: Record<string, string>; name?: string }) {
    super(scope, id);
    this.gw = new ApiObject(this, 'Gateway', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: props.name ?? 'web', namespace: 'istio-system' },
      spec: { selector: props.selector ?? { istio: 'ingressgateway' }, servers: [{ port: { number: props.port, protocol: 'HTTP', name: 'http' }, hosts: props.hosts ?? ['a.example.com'] }] },
    });
    new ApiObject(this, 'Route', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: props.name ?? 'web', namespace: 'istio-system' },
      spec: { hosts: props.hosts ?? ['a.example.com'], gateways: [props.name ?? 'web'], http: [{ route: [{ destination: { host: 'backend.default.svc.cluster.local' } }] }] },
    });
    installChecks(this);
  }
}

function setup(): { app: App; chart: Chart; warnings: string[] } {
  const app = Testing.app();
  const warnings: string[] = [];
  configureChecks(app, { warn: (t) => warnings.push(t) });
  return { app, chart: new Chart(app, 'test'), warnings };
}

describe('synth hook', () => {
  test('an error fails Testing.synth with rule, object, field, message, fix and construct path', () => {
    const { chart } = setup();
    new Web(chart, 'web', { port: 7070 });
    expect(() => Testing.synth(chart)).toThrow(
      'GWX-PORT-001 (IST0162) Gateway istio-system/web spec.servers[0].port.number: port 7070 is not exposed by any Service selecting the gateway pods (istio-system/istio-ingressgateway exposes 15021, 80, 443, 31400, 15443) — fix: ',
    );
    // cdk8s prefixes the message with the path of the construct that created the object
    expect(() => Testing.synth(chart)).toThrow(/^\s*\[test\/web\] GWX-PORT-001 /m);
  });

  test('clean apps synthesize; warnings are printed once, not failing', () => {
    const { app, chart, warnings } = setup();
    new Web(chart, 'web', { port: 80, hosts: ['*'] });
    expect(() => Testing.synth(chart)).not.toThrow();
    app.synth();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/warning GW-SEC-001 Gateway istio-system\/web spec.servers\[0\].hosts\[0\]: .* \[test\/web\]/);
  });

  test('strict mode fails on warnings; disabled turns checks off', () => {
    const { chart } = setup();
    new Web(chart, 'web', { port: 80, hosts: ['*'] });
    Checks.configure(chart, { strict: true });
    expect(() => Testing.synth(chart)).toThrow(/GW-SEC-001/);
    Checks.configure(chart, { strict: false });
    new Web(chart, 'bad', { port: 7070, name: 'bad' });
    Checks.configure(chart, { disabled: true });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('registered context is seen by the rules and never reported on', () => {
    const { chart } = setup();
    new Web(chart, 'web', { port: 80, selector: { istio: 'edge' } });
    expect(Checks.findings(chart).map((f) => f.rule)).toContain('GWX-SEL-001');
    registerContext(chart, injectedGateway('edge', 'istio-system', { istio: 'edge' }));
    registerContext(chart, injectedGateway('edge', 'istio-system', { istio: 'edge' })); // idempotent
    expect(Checks.findings(chart).map((f) => f.rule)).toEqual([]);
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('Checks.suppress writes the reason into the YAML and silences the rule', () => {
    const { chart } = setup();
    const web = new Web(chart, 'web', { port: 7070 });
    Checks.suppress(web, 'GWX-PORT-001', 'exposed by a NodePort Service managed elsewhere');
    Checks.suppress(web, 'GWX-PORT-001', 'exposed by a NodePort Service managed elsewhere');
    Checks.suppress(web, 'GW-SEC-001', 'demo');
    const gw = Testing.synth(chart).find((o) => o.kind === 'Gateway');
    expect(gw.metadata.annotations[SUPPRESS_ANNOTATION]).toBe('GWX-PORT-001: exposed by a NodePort Service managed elsewhere\nGW-SEC-001: demo');
    expect(() => Checks.suppress(web, 'GWX-PORT-001', '  ')).toThrow(/reason is empty/);
    // a reason with `;`, `:`, commas and a newline: written on one line, read back whole (no CHK-SUP-001)
    const other = new Web(chart, 'other', { port: 7070, name: 'other', hosts: ['b.example.com'] });
    Checks.suppress(other, 'GWX-PORT-001', 'NodePort; owned by infra: see ADR-7,\nADR-9');
    const gw2 = Testing.synth(chart).find((o) => o.kind === 'Gateway' && o.metadata.name === 'other');
    expect(gw2.metadata.annotations[SUPPRESS_ANNOTATION]).toBe('GWX-PORT-001: NodePort; owned by infra: see ADR-7, ADR-9');
    expect(Checks.findings(chart).filter((f) => f.resource.name === 'other').map((f) => f.rule)).not.toContain('GWX-PORT-001');
    expect(Checks.findings(chart).map((f) => f.rule)).not.toContain('CHK-SUP-001');
    expect(() => Checks.suppress(web, 'not a rule', 'x')).toThrow(/is not a rule ID/);
  });

  test('configure: assumeInstall and meshConfig reach the index', () => {
    const { chart } = setup();
    new Web(chart, 'web', { port: 80, selector: { istio: 'egressgateway' } });
    expect(Checks.findings(chart).map((f) => f.rule)).not.toContain('GWX-SEL-001');
    Checks.configure(chart, { assumeInstall: AssumeInstall.DEFAULT });
    expect(Checks.findings(chart).map((f) => f.rule)).toContain('GWX-SEL-001');
    Checks.configure(chart, { meshConfig: new MeshConfig({ scopeGatewayToNamespace: true }), assumeInstall: AssumeInstall.DEMO });
    expect(Checks.findings(chart).map((f) => f.rule)).not.toContain('GWX-SEL-001');
  });

  test('analyze runs once per app.synth across charts, and again only after a change', () => {
    const build = (disabled: boolean) => {
      const a = Testing.app();
      configureChecks(a, { warn: () => undefined, disabled });
      for (let c = 0; c < 3; c++) {
        const chart = new Chart(a, `c${c}`);
        for (let i = 0; i < 100; i++) new Web(chart, `w${i}`, { port: 80, name: `w${c}-${i}`, hosts: [`h${c}-${i}.example.com`] });
      }
      return a;
    };
    const app = build(false);
    app.synth();
    const s1 = checkStats(app);
    expect(s1.validations).toBe(4); // app.synth + one per chart.toJson
    // the App-wide pass serializes the App; the chart passes of the same synth reuse its findings
    expect(s1.verifiedPasses).toBe(1);
    expect(s1.analyzeRuns).toBe(1);
    app.synth();
    expect(checkStats(app)).toEqual({ validations: 8, verifiedPasses: 2, analyzeRuns: 1 });
    app.synthYaml();
    expect(checkStats(app)).toEqual({ validations: 12, verifiedPasses: 3, analyzeRuns: 1 });
    // a change that keeps the node count (JSON patch on an existing object) is seen
    const chart0 = app.node.findChild('c0') as Chart;
    (chart0.node.findChild('w0') as Web).gw.addJsonPatch(JsonPatch.replace('/spec/servers/0/port/number', 7070));
    expect(() => app.synth()).toThrow(/GWX-PORT-001/);
    expect(checkStats(app).analyzeRuns).toBe(2);
  });

  test('a props object mutated after synth (no construct added, no patch) is seen by the next synth', () => {
    const app = Testing.app();
    configureChecks(app, { warn: () => undefined });
    const chart = new Chart(app, 'c', { namespace: 'edge' });
    installChecks(chart);
    const port = { number: 80, name: 'http', protocol: 'HTTP' };
    new ApiObject(chart, 'gw', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port, hosts: ['a.example.com'] }] },
    });
    expect(() => app.synth()).not.toThrow();
    port.number = 7070; // the user's own object, changed in place
    expect(() => app.synth()).toThrow(/GWX-PORT-001/);
    expect(checkStats(app).analyzeRuns).toBe(2);
  });

  test('every chart.toJson() and Testing.synth(chart) outside App.synth serializes the App and sees changes', () => {
    const { app, chart } = setup();
    const web = new Web(chart, 'web', { port: 80 });
    expect(() => chart.toJson()).not.toThrow();
    expect(checkStats(app)).toEqual({ validations: 1, verifiedPasses: 1, analyzeRuns: 1 });
    web.gw.addJsonPatch(JsonPatch.replace('/spec/servers/0/port/number', 7070));
    expect(() => chart.toJson()).toThrow(/GWX-PORT-001/);
    expect(() => Testing.synth(chart)).toThrow(/GWX-PORT-001/);
    expect(checkStats(app)).toEqual({ validations: 3, verifiedPasses: 3, analyzeRuns: 2 });
  });

  test('a chart that overrides toJson is serialized in its own pass (the stack is not the one of App.synth)', () => {
    const app = Testing.app();
    configureChecks(app, { warn: () => undefined });
    class Mutating extends Chart {
      public port = 80;
      public toJson(): any[] {
        // user code between the App-wide pass and this chart's pass: its change must be seen
        this.port = 7070;
        return super.toJson();
      }
    }
    const chart = new Mutating(app, 'c', { namespace: 'edge' });
    installChecks(chart);
    new ApiObject(chart, 'gw', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: Lazy.any({ produce: () => ({ number: chart.port, name: 'http', protocol: 'HTTP' }) }), hosts: ['a.example.com'] }] },
    });
    expect(() => app.synth()).toThrow(/GWX-PORT-001/);
    expect(checkStats(app)).toEqual({ validations: 2, verifiedPasses: 2, analyzeRuns: 2 });
  });

  test('where the call stack cannot be read, every pass is verified and synth still works', () => {
    const app = Testing.app();
    configureChecks(app, { warn: () => undefined });
    for (const id of ['a', 'b']) new Web(new Chart(app, id), 'web', { port: 80, name: `web-${id}`, hosts: [`${id}.example.com`] });
    const descriptor = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')!;
    Object.defineProperty(Error, 'stackTraceLimit', { ...descriptor, writable: false });
    try {
      expect(() => app.synth()).not.toThrow();
      expect(Error.stackTraceLimit).toBe(descriptor.value);
    } finally {
      Object.defineProperty(Error, 'stackTraceLimit', descriptor);
    }
    expect(checkStats(app)).toEqual({ validations: 3, verifiedPasses: 3, analyzeRuns: 1 });
  });

  test('a metadata change between two synths (annotation, label) gives fresh findings', () => {
    const { app, chart } = setup();
    const web = new Web(chart, 'web', { port: 7070 });
    expect(() => app.synth()).toThrow(/GWX-PORT-001/);
    web.gw.metadata.addAnnotation(SUPPRESS_ANNOTATION, 'GWX-PORT-001: a NodePort Service managed elsewhere');
    expect(() => app.synth()).not.toThrow();
    expect(checkStats(app).analyzeRuns).toBe(2);
    web.gw.metadata.addLabel('team', 'edge'); // a change that changes no finding still counts as a change
    app.synth();
    expect(checkStats(app).analyzeRuns).toBe(3);
    app.synth();
    expect(checkStats(app).analyzeRuns).toBe(3);
  });

  test('a Lazy value that produces something else after a change in user state gives fresh findings', () => {
    const app = Testing.app();
    configureChecks(app, { warn: () => undefined });
    const chart = new Chart(app, 'c', { namespace: 'edge' });
    installChecks(chart);
    let port = 80;
    new ApiObject(chart, 'gw', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: Lazy.any({ produce: () => port }), name: 'http', protocol: 'HTTP' }, hosts: ['a.example.com'] }] },
    });
    expect(() => app.synth()).not.toThrow();
    port = 7070;
    expect(() => app.synth()).toThrow(/GWX-PORT-001/);
    port = 80;
    expect(() => app.synth()).not.toThrow();
    expect(checkStats(app).analyzeRuns).toBe(3);
  });

  test('an object that fails to serialize, then serializes, counts as a change', () => {
    const app = Testing.app();
    configureChecks(app, { warn: () => undefined });
    const chart = new Chart(app, 'c', { namespace: 'edge' });
    installChecks(chart);
    let broken = true;
    new ApiObject(chart, 'gw', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: Lazy.any({
        produce: () => {
          if (broken) throw new Error('not ready');
          return { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 7070, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.com'] }] };
        },
      }),
    });
    expect(Checks.findings(chart)).toEqual([]);
    broken = false;
    expect(Checks.findings(chart).map((f) => f.rule)).toContain('GWX-PORT-001');
  });

  test('installChecks is idempotent (one validation on the root)', () => {
    const { app, chart } = setup();
    installChecks(chart);
    installChecks(chart);
    new Web(chart, 'web', { port: 80 });
    Testing.synth(chart);
    expect(checkStats(app).validations).toBe(1);
  });
});
