import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { GatewayRole, GatewayServiceType, GatewayWorkload, IngressGateway } from '../src';
import { ofKind, one, synth, testChart } from './util/manifests';
import { fcParams } from './util/property';

function deploy(props: Partial<ConstructorParameters<typeof GatewayWorkload>[2]> = {}) {
  const chart = testChart('apps');
  const workload = new GatewayWorkload(chart, 'gw', { label: 'my-user-gateway', namespace: 'istioinaction', ...props });
  return { chart, workload };
}

describe('GatewayWorkload (deployed)', () => {
  test('the pod template carries no label that depends on the construct tree (refactoring restarts no pods)', () => {
    const podLabels = (chartId: string, id: string) => {
      const chart = new Chart(Testing.app(), chartId, { namespace: 'apps' });
      new GatewayWorkload(new Construct(chart, 'nested'), id, { label: 'my-user-gateway', namespace: 'istioinaction' });
      return one(synth(chart), 'Deployment').spec.template.metadata.labels;
    };
    const before = podLabels('chart', 'gw');
    expect(before).toStrictEqual({ 'cdk8s.io/metadata.addr': 'my-user-gateway', 'istio': 'my-user-gateway', 'sidecar.istio.io/inject': 'true' });
    expect(podLabels('platform', 'ingress-workload')).toStrictEqual(before);
  });

  test('an injected Deployment: labels, annotation, image auto, explicit pod and container settings', () => {
    const { chart } = deploy();
    const d = one(synth(chart), 'Deployment');
    expect(d.metadata).toStrictEqual({ name: 'my-user-gateway', namespace: 'istioinaction', labels: { istio: 'my-user-gateway' } });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toStrictEqual({ matchLabels: { istio: 'my-user-gateway' } });
    expect(d.spec.template.metadata.annotations).toStrictEqual({ 'inject.istio.io/templates': 'gateway' });
    expect(d.spec.template.metadata.labels).toMatchObject({ 'istio': 'my-user-gateway', 'sidecar.istio.io/inject': 'true' });
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe('my-user-gateway');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.securityContext.sysctls).toStrictEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect([c.name, c.image, c.imagePullPolicy]).toStrictEqual(['istio-proxy', 'auto', 'IfNotPresent']);
    expect(c.resources).toStrictEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
    expect(c.securityContext).toStrictEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    });
  });

  test('Service: LoadBalancer, status-port always, ports sorted with target ports; exposePort adds ports', () => {
    const { chart, workload } = deploy();
    expect(workload.exposePort(31400)).toBe(true);
    expect(workload.exposePort(30007, 31401)).toBe(true);
    expect(workload.exposePort(443)).toBe(true);
    const s = one(synth(chart), 'Service');
    expect(s.metadata).toStrictEqual({ name: 'my-user-gateway', namespace: 'istioinaction', labels: { istio: 'my-user-gateway' } });
    expect(s.spec).toStrictEqual({
      type: 'LoadBalancer',
      selector: { istio: 'my-user-gateway' },
      ports: [
        { name: 'http2', port: 80, targetPort: 80, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 443, protocol: 'TCP' },
        { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
        { name: 'tcp-30007', port: 30007, targetPort: 31401, protocol: 'TCP' },
        { name: 'tcp-31400', port: 31400, targetPort: 31400, protocol: 'TCP' },
      ],
    });
    expect(workload.ports.map((p) => p.port)).toStrictEqual([80, 443, 15021, 30007, 31400]);
  });

  test('ServiceAccount, Role to get/watch/list secrets in its namespace, RoleBinding to the ServiceAccount', () => {
    const { chart } = deploy();
    const m = synth(chart);
    expect(one(m, 'ServiceAccount').metadata).toStrictEqual({ name: 'my-user-gateway', namespace: 'istioinaction', labels: { istio: 'my-user-gateway' } });
    const role = one(m, 'Role');
    expect(role.metadata.namespace).toBe('istioinaction');
    expect(role.rules).toStrictEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]);
    const rb = one(m, 'RoleBinding');
    expect([rb.metadata.namespace, rb.roleRef, rb.subjects]).toStrictEqual(['istioinaction', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'my-user-gateway' },
      [{ apiGroup: '', kind: 'ServiceAccount', name: 'my-user-gateway', namespace: 'istioinaction' }]]);
  });

  test('options: name, egress ClusterIP, ports, replicas, HPA, PDB, resources, service annotations', () => {
    const { chart, workload } = deploy({
      name: 'team-egress',
      role: GatewayRole.EGRESS,
      ports: [{ port: 443, targetPort: 8443, name: 'tls' }],
      autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70 },
      minAvailable: 1,
      resources: { cpu: { request: kplus.Cpu.millis(50) } },
      serviceAnnotations: { 'x.io/a': 'b' },
    });
    expect([workload.serviceName, workload.serviceFqdn, workload.role, workload.deployed, workload.selector])
      .toStrictEqual(['team-egress', 'team-egress.istioinaction.svc.cluster.local', 'egress', true, { istio: 'my-user-gateway' }]);
    const m = synth(chart);
    expect(one(m, 'Service').spec.type).toBe('ClusterIP');
    expect(one(m, 'Service').metadata.annotations).toStrictEqual({ 'x.io/a': 'b' });
    expect(one(m, 'Service').spec.ports.map((p: { name: string }) => p.name)).toStrictEqual(['tls', 'status-port']);
    expect(one(m, 'Deployment').spec.replicas).toBeUndefined();
    expect(one(m, 'Deployment').spec.template.spec.containers[0].resources).toStrictEqual({ requests: { cpu: '50m' } });
    const hpa = one(m, 'HorizontalPodAutoscaler');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.spec.metrics[0].resource.target.averageUtilization, hpa.spec.scaleTargetRef.name]).toStrictEqual([2, 6, 70, 'team-egress']);
    expect(one(m, 'PodDisruptionBudget').spec).toStrictEqual({ minAvailable: 1, selector: { matchLabels: { istio: 'my-user-gateway' } } });
  });

  test('no HPA or PDB unless asked; serviceType override', () => {
    const { chart } = deploy({ serviceType: GatewayServiceType.NODE_PORT, replicas: 3 });
    const m = synth(chart);
    expect([ofKind(m, 'HorizontalPodAutoscaler'), ofKind(m, 'PodDisruptionBudget')]).toStrictEqual([[], []]);
    expect(one(m, 'Service').spec.type).toBe('NodePort');
    expect(one(m, 'Deployment').spec.replicas).toBe(3);
  });

  test('a Gateway bound to it selects its label', () => {
    const { chart, workload } = deploy();
    const gw = new IngressGateway(chart, 'gateway', { workload, name: 'team' });
    gw.addServer({ port: 80, protocol: 'HTTP' as never, hosts: ['a.example.com'] });
    expect(one(synth(chart), 'Gateway').spec.selector).toStrictEqual({ istio: 'my-user-gateway' });
    expect(gw.namespace).toBe('apps');
  });

  test('snapshot', () => {
    const { chart } = deploy({ minAvailable: 1 });
    expect(synth(chart)).toMatchSnapshot();
  });

  test('deterministic regardless of exposePort order', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1024, max: 60000 }).filter((p) => p !== 15021), { maxLength: 6 }), (ports) => {
      const a = deploy();
      ports.forEach((p) => a.workload.exposePort(p));
      const b = deploy();
      [...ports].reverse().forEach((p) => b.workload.exposePort(p));
      expect(JSON.stringify(synth(a.chart))).toBe(JSON.stringify(synth(b.chart)));
    }), fcParams(15));
  });
});

describe('eager errors', () => {
  test.each([
    ['istioctl ingress label', { label: 'ingressgateway' }, /label: "istio: ingressgateway" is the label of the istioctl default gateway/],
    ['istioctl egress label', { label: 'egressgateway' }, /label: "istio: egressgateway" is the label of the istioctl default gateway/],
    ['bad label', { label: 'My_Gw' }, /label: "My_Gw" is not a DNS-1123 label/],
    ['bad namespace', { namespace: 'Team' }, /namespace: "Team" is not a DNS-1123 label/],
    ['bad name', { name: 'a.b' }, /name: "a.b" is not a DNS-1123 label/],
    ['replicas', { replicas: 0 }, /replicas: 0 must be a positive integer/],
    ['minAvailable', { minAvailable: 0 }, /minAvailable: 0 must be a positive integer/],
    ['minAvailable blocks evictions', { minAvailable: 2 }, /minAvailable: 2 would block every voluntary eviction with 2 replica/],
    ['autoscaling', { autoscaling: { minReplicas: 3, maxReplicas: 2 } }, /autoscaling: minReplicas 3 and maxReplicas 2 must be integers/],
    ['port range', { ports: [{ port: 70000 }] }, /ports\[0\].port: port 70000 is out of range/],
    ['target port range', { ports: [{ port: 80, targetPort: 0 }] }, /ports\[0\].targetPort: port 0 is out of range/],
    ['duplicate port', { ports: [{ port: 15021 }] }, /ports\[0\]: port 15021 is listed twice \(15021 is the status port/],
    ['duplicate port name', { ports: [{ port: 80, name: 'web' }, { port: 81, name: 'web' }] }, /port 81 name: "web" is already the name of port 80/],
  ])('%s', (_n, props, message) => {
    expect(() => deploy(props as never)).toThrow(message);
  });

  test('exposePort with another target port', () => {
    const { workload } = deploy();
    expect(() => workload.exposePort(80, 8080)).toThrow(/port 80: the Service already sends port 80 to target port 80, not 8080/);
    expect(() => workload.exposePort(0)).toThrow(/port: port 0 is out of range/);
  });

  test('durations are unused here (HPA defaults)', () => {
    expect(Duration.seconds(1).toSeconds()).toBe(1);
  });
});
