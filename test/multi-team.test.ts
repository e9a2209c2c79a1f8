/**
 * A shared gateway owned by a platform team, routes owned by teams (examples/09-multi-team): the example
 * synthesizes without findings, and each mistake a team can make fails naming the team's construct.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { build, buildTeamC } from '../examples/09-multi-team/main';
import {
  Checks, ClientCa, Credential, Destination, GatewayProtocol, GatewayWorkload, HttpHost, HttpRoute, IGateway, IngressGateway,
  IstioGatewaysError, IstioOperator, SecureHost, ServerTls, SniPassthrough, TcpRoute,
} from '../src';
import { fcParams } from './properties/arbitraries';
import { Manifest, one } from './util/manifests';

// Apps write nothing unless synth() is called; the one test that does synthesizes into its own temp dir and removes it
const OUTDIR = path.join(os.tmpdir(), 'cdk8s-istio-gateways-multi-team-unused');
const newApp = (props: AppProps = {}) => new App({ outdir: OUTDIR, ...props });

function platformApp() {
  const app = newApp();
  build(app);
  const chart = (id: string) => app.node.findChild(id) as Chart;
  const gateway = chart('platform').node.findChild('gateway') as IngressGateway;
  return { app, gateway, teamA: chart('team-a'), teamB: chart('team-b') };
}

function teamCApp() {
  const app = newApp();
  buildTeamC(app);
  const teamC = app.node.findChild('team-c') as Chart;
  return { app, teamC, gateway: teamC.node.findChild('shared-gateway') as unknown as IGateway };
}

const manifests = (app: App): Manifest[] => app.charts.flatMap((c) => c.toJson()) as Manifest[];
const errors = (app: App) => Checks.findings(app).filter((f) => f.severity === 'error');
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const toApi = HttpRoute.to([Destination.service('api', 8080)]);

describe('the example', () => {
  test('the platform App (gateway, teams A and B) and team C\'s App synthesize without findings', () => {
    const p = platformApp();
    const c = teamCApp();
    expect(Checks.findings(p.app)).toStrictEqual([]);
    expect(Checks.findings(c.app)).toStrictEqual([]);
    expect(() => p.app.synthYaml()).not.toThrow();
    expect(() => c.app.synthYaml()).not.toThrow();
  });

  test('the shared gateway serves three namespaces, so its hosts are namespace-scoped', () => {
    const gw = one(manifests(platformApp().app), 'Gateway', 'shared-gateway');
    expect(gw.spec.servers.map((s: { port: { name: string }; hosts: string[] }) => [s.port.name, s.hosts])).toStrictEqual([
      ['http-80', ['team-b/blog.example.com', 'team-c/api.example.com']],
      ['http-80-redirect', ['team-a/shop.example.com']],
      ['https-shop-example-com', ['team-a/shop.example.com']],
      ['tls-vault-example-com', ['team-b/vault.example.com']],
    ]);
  });

  test('team C\'s App synthesizes only its VirtualService, bound to the imported gateway', () => {
    const m = manifests(teamCApp().app);
    expect(m.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toStrictEqual(['VirtualService team-c/api']);
    expect(m[0].spec.gateways).toStrictEqual(['istio-ingress/shared-gateway']);
  });

  test('each team\'s objects are in the team\'s chart; the Certificate lives in the gateway namespace, in team A\'s chart', () => {
    const { app } = platformApp();
    const of = (id: string) => ((app.node.findChild(id) as Chart).toJson() as Manifest[]).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort();
    expect(of('team-a')).toStrictEqual(['Certificate istio-ingress/shop-credential', 'Service team-a/shop', 'VirtualService team-a/shop']);
    expect(of('team-b')).toStrictEqual(['VirtualService team-b/blog', 'VirtualService team-b/vault']);
    expect(of('platform')).toContain('Gateway istio-ingress/shared-gateway');
  });

  test('with FOLDER_PER_CHART_FILE_PER_RESOURCE each chart (and the IstioOperator) gets its own folder', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'multi-team-'));
    try {
      const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
      new IstioOperator(app, 'istio-install', { name: 'control-plane' });
      build(app);
      app.synth();
      expect(fs.readdirSync(outdir).sort()).toStrictEqual(['istio-install', 'platform', 'team-a', 'team-b']);
      expect(fs.readdirSync(path.join(outdir, 'istio-install'))).toStrictEqual(['IstioOperator.control-plane.k8s.yaml']);
      expect(fs.readdirSync(path.join(outdir, 'team-b')).sort()).toStrictEqual(['VirtualService.blog.k8s.yaml', 'VirtualService.vault.k8s.yaml']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('a team\'s mistake on the shared gateway names the team\'s construct and the one it conflicts with', () => {
  test('duplicate host: team B serves team A\'s host on 443', () => {
    const { gateway, teamB } = platformApp();
    const err = thrown(() => new SecureHost(teamB, 'shop-copy', { gateway, hosts: ['shop.example.com'], tls: ServerTls.simple(Credential.fromSecretName('b')), portName: 'https-b', routes: [toApi] }));
    expect(err).toBeInstanceOf(IstioGatewaysError);
    expect((err as IstioGatewaysError).constructPath).toBe('team-b/shop-copy');
    expect(err.message).toBe('[team-b/shop-copy] port 443 of gateway istio-ingress/shared-gateway (platform/gateway): host "shop.example.com" is already served by "https-shop-example-com", added by team-a/shop; a host may appear once per gateway port');
  });

  test('port clash: team B puts a TCP route on the HTTPS port', () => {
    const { gateway, teamB } = platformApp();
    expect(() => new TcpRoute(teamB, 'tcp', { gateway, port: 443, destination: Destination.service('db', 5432) }))
      .toThrow('[team-b/tcp] port 443 of gateway istio-ingress/shared-gateway (platform/gateway): a TCP server cannot share the port with the HTTPS server "https-shop-example-com", added by team-a/shop; use another port');
  });

  test('SNI collision: team B passes team A\'s host through', () => {
    const { gateway, teamB } = platformApp();
    expect(() => new SniPassthrough(teamB, 'sni', { gateway, sniHosts: ['shop.example.com'], destination: Destination.service('shop-tls', 8443) }))
      .toThrow('[team-b/sni] port 443 of gateway istio-ingress/shared-gateway (platform/gateway): host "shop.example.com" is already served by "https-shop-example-com", added by team-a/shop; a host may appear once per gateway port');
  });

  test('port name clash between two teams', () => {
    const { gateway, teamB } = platformApp();
    expect(() => new SecureHost(teamB, 'shop2', { gateway, hosts: ['shop2.example.com'], portName: 'https-shop-example-com', tls: ServerTls.simple(Credential.fromSecretName('b')), routes: [toApi] }))
      .toThrow('[team-b/shop2] portName: "https-shop-example-com" is already used by the server on port 443, added by team-a/shop on gateway istio-ingress/shared-gateway; port names must be unique within a Gateway: pass an explicit portName');
  });

  test('a synth-time finding on a server of the shared Gateway is reported on the team\'s construct that added it', () => {
    const app = newApp();
    const platform = new Chart(app, 'platform', { namespace: 'istio-ingress' });
    const workload = GatewayWorkload.fromInstalled(platform, 'workload', { selector: { istio: 'shared-gateway' }, namespace: 'istio-ingress', ports: [{ port: 80 }, { port: 443 }] });
    const gateway = new IngressGateway(platform, 'gateway', { workload, name: 'shared-gateway' });
    const teamA = new Chart(app, 'team-a', { namespace: 'team-a' });
    new HttpHost(teamA, 'web', { gateway, hosts: ['web.example.com'], routes: [toApi] });
    const teamB = new Chart(app, 'team-b', { namespace: 'team-b' });
    new TcpRoute(teamB, 'tcp', { gateway, port: 31400, destination: Destination.service('db', 5432) });
    const port = errors(app).filter((f) => f.rule === 'GWX-PORT-001');
    expect(port.map((f) => [f.resource.name, f.path, f.constructPath])).toStrictEqual([['shared-gateway', 'spec.servers[1].port.number', 'team-b/tcp']]);
    expect(() => app.synthYaml()).toThrow(/\[team-b\/tcp\] GWX-PORT-001 \(IST0162\) Gateway istio-ingress\/shared-gateway spec\.servers\[1\]\.port\.number: /);
  });

  test('a finding on one host of a merged server is reported on the team construct that added that host', () => {
    const app = newApp();
    const platform = new Chart(app, 'platform', { namespace: 'istio-system' });
    const gateway = new IngressGateway(platform, 'gw', { workload: GatewayWorkload.istioIngressGateway(platform, 'ingress'), name: 'shared', namespaceScopedHosts: false });
    new HttpHost(new Chart(app, 'team-a', { namespace: 'team-a' }), 'web', { gateway, hosts: ['web.example.com'], routes: [toApi] });
    new HttpHost(new Chart(app, 'team-b', { namespace: 'team-b' }), 'any', { gateway, hosts: ['*'], allowAnyHost: true, routes: [toApi] });
    const sec = Checks.findings(app).filter((f) => f.rule === 'GW-SEC-001');
    expect(sec.map((f) => [f.resource.name, f.path, f.constructPath])).toStrictEqual([['shared', 'spec.servers[0].hosts[0]', 'team-b/any']]);
  });

  test('a destination port the team\'s cdk8s-plus Service does not have fails synth on the route', () => {
    const { app, gateway, teamA } = platformApp();
    const shop = teamA.node.findChild('shop-service') as kplus.Service;
    new HttpHost(teamA, 'shop-internal', { gateway, hosts: ['shop-internal.example.com'], routes: [HttpRoute.to([Destination.fromService(shop, { port: 80 })])] });
    expect(() => app.synthYaml()).toThrow('[team-a/shop-internal] routes[0].destinations[0]: port 80 is not a port of Service team-a/shop (team-a/shop-service), whose ports are 8080; use one of them or add the port to the Service');
  });

  test('Destination.fromService: a port added to the Service later counts', () => {
    const { app, gateway, teamA } = platformApp();
    const shop = teamA.node.findChild('shop-service') as kplus.Service;
    new HttpHost(teamA, 'shop-internal', { gateway, hosts: ['shop-internal.example.com'], routes: [HttpRoute.to([Destination.fromService(shop, { port: 9090 })])] });
    shop.bind(9090);
    expect(() => app.synthYaml()).not.toThrow();
    const vs = manifests(app).find((o) => o.kind === 'VirtualService' && o.metadata.name !== 'shop' && o.metadata.namespace === 'team-a')!;
    expect(vs.spec.http[0].route[0].destination).toStrictEqual({ host: 'shop.team-a.svc.cluster.local', port: { number: 9090 } });
  });

  test('a VirtualService of another namespace cannot bind to team A\'s scoped host (checker error)', () => {
    const { app, teamB } = platformApp();
    new ApiObject(teamB, 'hijack', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'hijack' },
      spec: { hosts: ['shop.example.com'], gateways: ['istio-ingress/shared-gateway'], http: [{ route: [{ destination: { host: 'blog.team-b.svc.cluster.local', port: { number: 80 } } }] }] },
    });
    const found = errors(app).filter((f) => f.resource.name === 'hijack');
    expect(found.map((f) => f.rule)).toContain('VSX-GW-002');
    expect(found.find((f) => f.rule === 'VSX-GW-002')!.message).toMatch(/only admits virtual services from team-a/);
  });

  test('MUTUAL without a client CA does not type-check', () => {
    const cred = Credential.fromSecretName('shop-credential');
    // @ts-expect-error ServerTls.mutual requires a ClientCa
    const untyped = ServerTls.mutual(cred);
    // a JavaScript caller without types gets the error when the server is added
    const { gateway, teamA } = platformApp();
    expect(() => new SecureHost(teamA, 'mtls', { gateway, hosts: ['mtls.example.com'], tls: untyped, routes: [toApi] }))
      .toThrow('[team-a/mtls] tls: MUTUAL needs a client CA; use ServerTls.mutual(credential, ClientCa.fromServerCredential()) or a ClientCa with its own secret');
    expect(ServerTls.mutual(cred, ClientCa.fromSecretName('partners-ca')).mode).toBe('MUTUAL');
  });
});

describe('team C\'s App: the imported gateway', () => {
  test('a host the imported gateway does not declare for the team\'s namespace throws, naming the team\'s construct', () => {
    const { gateway, teamC } = teamCApp();
    expect(() => new HttpHost(teamC, 'admin', { gateway, hosts: ['admin.example.com'], routes: [toApi] }))
      .toThrow('[team-c/admin] hosts[0]: "admin.example.com" (namespace team-c) is not among the hosts of the imported gateway istio-ingress/shared-gateway (team-c/api.example.com); use a host the gateway serves, or ask its owner to add a server for it');
    const other = new Chart(teamC.node.root as App, 'team-d', { namespace: 'team-d' });
    expect(() => new HttpHost(other, 'api', { gateway, hosts: ['api.example.com'], routes: [toApi] }))
      .toThrow(/^\[team-d\/api\] hosts\[0\]: "api.example.com" \(namespace team-d\) is not among the hosts of the imported gateway/);
  });

  test('two routes of the App on one host of the imported gateway conflict, naming both constructs', () => {
    const { gateway, teamC } = teamCApp();
    expect(() => new HttpHost(teamC, 'api-again', { gateway, hosts: ['api.example.com'], portName: 'http-api', routes: [toApi] }))
      .toThrow('[team-c/api-again] port 80 of gateway istio-ingress/shared-gateway (team-c/shared-gateway): host "api.example.com" is already served by "http-80", added by team-c/api; a host may appear once per gateway port');
  });

  test('without hosts, the imported gateway is open-world: any host binds, TLS and TCP too, without findings', () => {
    const app = newApp();
    const chart = new Chart(app, 'team-c', { namespace: 'team-c' });
    const workload = GatewayWorkload.istioIngressGateway(chart, 'ingress');
    const gateway = IngressGateway.fromGatewayAttributes(chart, 'shared', { name: 'shared-gateway', namespace: 'istio-system', workload });
    new HttpHost(chart, 'web', { gateway, hosts: ['web.example.com'], routes: [toApi] });
    new SecureHost(chart, 'secure', { gateway, hosts: ['secure.example.com'], tls: ServerTls.simple(Credential.fromSecretName('secure-credential')), routes: [toApi] });
    new SniPassthrough(chart, 'sni', { gateway, sniHosts: ['sni.example.com'], destination: Destination.service('sni', 8443) });
    new TcpRoute(chart, 'tcp', { gateway, port: 31400, destination: Destination.service('tcp', 9000) });
    expect(errors(app)).toStrictEqual([]);
    expect(manifests(app).map((o) => o.kind)).toStrictEqual(['VirtualService', 'VirtualService', 'VirtualService', 'VirtualService']);
    expect(gateway.serverPorts).toStrictEqual([80, 443, 31400]);
  });

  test('importing one gateway twice in an App (two teams\' charts) shares its servers: conflicts are found, no false findings', () => {
    const app = newApp();
    const imp = (ns: string) => {
      const chart = new Chart(app, ns, { namespace: ns });
      const workload = GatewayWorkload.fromInstalled(chart, 'w', { selector: { istio: 'ingressgateway' }, namespace: 'istio-system', ports: [{ port: 80 }] });
      return { chart, gateway: IngressGateway.fromGatewayAttributes(chart, 'gw', { name: 'shared', namespace: 'istio-system', workload }) };
    };
    const a = imp('team-a');
    const b = imp('team-b');
    new HttpHost(a.chart, 'web', { gateway: a.gateway, hosts: ['a.example.com'], routes: [toApi] });
    new HttpHost(b.chart, 'web', { gateway: b.gateway, hosts: ['b.example.com'], routes: [toApi] });
    expect(errors(app)).toStrictEqual([]);
    expect(() => new HttpHost(b.chart, 'dup', { gateway: b.gateway, hosts: ['a.example.com'], portName: 'http-dup', routes: [toApi] }))
      .toThrow(/^\[team-b\/dup\] port 80 of gateway istio-system\/shared \(team-a\/gw\): host "a.example.com" is already served by "http-80", added by team-a\/web/);
  });

  test('a VirtualService bound to a gateway that is neither in the App nor imported: unknown when the App does not describe its namespace, "gateway not found" when it does', () => {
    const orphan = (gateways: string[]) => {
      const app = newApp();
      const chart = new Chart(app, 'team-c', { namespace: 'team-c' });
      new ApiObject(chart, 'vs', {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'orphan' },
        spec: { hosts: ['api.example.com'], gateways, http: [{ route: [{ destination: { host: 'api.team-c.svc.cluster.local', port: { number: 8080 } } }] }] },
      });
      return errors(app).map((f) => f.rule);
    };
    // open world (synth time): istio-ingress is not described by this App, so its Gateways are unknown, not absent
    expect(orphan(['istio-ingress/shared-gateway'])).not.toContain('VSX-GW-001');
    // team-c is described (the VirtualService lives there): a Gateway missing from it is a real mistake
    expect(orphan(['team-c/shared-gateway'])).toContain('VSX-GW-001');
  });

  test('an imported gateway needs an ingress workload for TCP/SNI routes, and valid attributes', () => {
    const chart = new Chart(newApp(), 'c', { namespace: 'c' });
    const egress = GatewayWorkload.istioEgressGateway(chart, 'egress');
    expect(() => IngressGateway.fromGatewayAttributes(chart, 'x', { name: 'shared', namespace: 'istio-system', workload: egress }))
      .toThrow('[c/x] workload: c/egress is an egress gateway workload; an imported ingress gateway needs an ingress workload');
    const ingress = GatewayWorkload.istioIngressGateway(chart, 'ingress');
    expect(() => IngressGateway.fromGatewayAttributes(chart, 'y', { name: 'Shared', namespace: 'istio-system', workload: ingress }))
      .toThrow(/^\[c\/y\] name: "Shared" is not a DNS-1123 label/);
    expect(() => IngressGateway.fromGatewayAttributes(chart, 'z', { name: 'shared', namespace: 'istio-system', workload: ingress, hosts: ['team/short'] }))
      .toThrow(/^\[c\/z\] hosts\[0\]: "team\/short" is a short name/);
  });
});

describe('namespace-scoped server hosts', () => {
  function twoNamespaces(namespaceScopedHosts?: boolean) {
    const app = newApp();
    const platform = new Chart(app, 'platform', { namespace: 'istio-system' });
    const gateway = new IngressGateway(platform, 'gw', { workload: GatewayWorkload.istioIngressGateway(platform, 'ingress'), name: 'shared', namespaceScopedHosts });
    for (const ns of ['team-a', 'team-b']) {
      new HttpHost(new Chart(app, ns, { namespace: ns }), 'web', { gateway, hosts: [`${ns}.example.com`], routes: [toApi] });
    }
    return one(platform.toJson() as Manifest[], 'Gateway').spec.servers[0].hosts;
  }

  test('on by default when routes come from more than one namespace', () => {
    expect(twoNamespaces()).toStrictEqual(['team-a/team-a.example.com', 'team-b/team-b.example.com']);
  });

  test('opt-out: namespaceScopedHosts: false writes plain hosts', () => {
    expect(twoNamespaces(false)).toStrictEqual(['team-a.example.com', 'team-b.example.com']);
  });

  test('opt-in with one namespace; servers added without a namespace stay unscoped', () => {
    const chart = new Chart(newApp(), 'c', { namespace: 'apps' });
    const gateway = new IngressGateway(chart, 'gw', { workload: GatewayWorkload.istioIngressGateway(chart, 'ingress'), namespaceScopedHosts: true });
    gateway.addHttpHost('web', { hosts: ['web.example.com'], routes: [toApi] });
    gateway.addServer({ port: 8080, protocol: GatewayProtocol.HTTP, hosts: ['any.example.com'] });
    expect(one(chart.toJson() as Manifest[], 'Gateway').spec.servers.map((s: { hosts: string[] }) => s.hosts)).toStrictEqual([['apps/web.example.com'], ['any.example.com']]);
  });
});

describe('IstioOperator output layout', () => {
  test.each([YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_RESOURCE])('%s would mix it with the applied manifests: synth fails', (yamlOutputType) => {
    const app = newApp({ yamlOutputType });
    new IstioOperator(app, 'istio-install', { name: 'control-plane' });
    expect(() => app.synthYaml()).toThrow(`[istio-install] the App's yamlOutputType ${yamlOutputType} writes the IstioOperator (istioctl input) next to the manifests Argo CD applies; use YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE (one folder per chart: point one Argo CD Application at each folder except this one) or FILE_PER_CHART`);
  });
});

describe('property: teams adding hosts to one shared gateway', () => {
  const team = fc.constantFrom('team-a', 'team-b', 'team-c');
  const host = fc.constantFrom('a.example.com', 'b.example.com', 'c.example.com', '*.example.com');
  const step = fc.record({ team, hosts: fc.uniqueArray(host, { minLength: 1, maxLength: 2 }), port: fc.constantFrom(80, 8080), secure: fc.boolean() });

  test('a conflict is reported on the team construct being added and names the construct that added the clashing host; '
    + 'otherwise every host is rendered scoped to its team iff more than one team binds', () => {
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), (steps) => {
      const app = newApp();
      // the eager checks and the rendering are under test here; the rule engine (e.g. overlapping wildcard hosts) is not
      Checks.configure(app, { disabled: true });
      const platform = new Chart(app, 'platform', { namespace: 'istio-ingress' });
      const gateway = new IngressGateway(platform, 'gw', { workload: GatewayWorkload.istioIngressGateway(platform, 'ingress'), name: 'shared' });
      const charts = new Map<string, Chart>();
      /** `port/host` → path of the construct that added it */
      const added = new Map<string, { path: string; team: string }>();
      steps.forEach((st, i) => {
        let chart = charts.get(st.team);
        if (!chart) {
          chart = new Chart(app, st.team, { namespace: st.team });
          charts.set(st.team, chart);
        }
        const id = `r${i}`;
        const constructPath = `${st.team}/${id}`;
        const port = st.secure ? st.port + 363 : st.port; // 443 / 8443 for HTTPS
        const clash = st.hosts.map((h) => added.get(`${port}/${h}`)).find((x) => x !== undefined);
        const make = () => st.secure
          ? new SecureHost(chart!, id, { gateway, hosts: st.hosts, port, redirect: false, allowWildcardHosts: true, portName: `https-r${i}`, tls: ServerTls.simple(Credential.fromSecretName(`cred-${i}`)), routes: [toApi] })
          : new HttpHost(chart!, id, { gateway, hosts: st.hosts, port, routes: [toApi] });
        if (clash) {
          const err = thrown(make);
          expect(err).toBeInstanceOf(IstioGatewaysError);
          expect((err as IstioGatewaysError).constructPath).toBe(constructPath);
          const m = /host "([^"]+)" is already served by "[^"]+", added by ([^;]+); a host may appear once per gateway port$/.exec(err.message);
          expect(m).not.toBeNull();
          expect(st.hosts).toContain(m![1]);
          expect(added.get(`${port}/${m![1]}`)?.path).toBe(m![2]);
          return;
        }
        make();
        st.hosts.forEach((h) => added.set(`${port}/${h}`, { path: constructPath, team: st.team }));
      });
      const teams = new Set([...added.values()].map((a) => a.team));
      const rendered = (one(platform.toJson() as Manifest[], 'Gateway').spec.servers as Array<{ port: { number: number }; hosts: string[] }>)
        .flatMap((srv) => srv.hosts.map((h) => `${srv.port.number}/${h}`)).sort();
      const expected = [...added.entries()].map(([k, a]) => {
        const [port, h] = k.split('/');
        return `${port}/${teams.size > 1 ? `${a.team}/` : ''}${h}`;
      }).sort();
      expect(rendered).toStrictEqual(expected);
    }), fcParams(100));
  });
});
