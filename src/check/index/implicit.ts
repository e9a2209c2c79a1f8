/**
 * istioctl's implicit resources for file-based analysis (pkg/config/analysis/local/istiod_analyze.go): unless
 * `meshConfig.ingressControllerMode` is `OFF`, a Pod `<ingressService>-dummypod` labelled `istio: ingressgateway` and a
 * Service `<ingressService>` selecting it, both in istio-system, with TCP ports 80, 443, 31400 and 15443 (targetPort =
 * port). Used in the closed world only, as context objects (never reported on).
 */
import { KubeObject, asString } from '../model';

export function implicitIngressObjects(mesh: Record<string, unknown>): KubeObject[] {
  if ((asString(mesh.ingressControllerMode) ?? '').toUpperCase() === 'OFF') return [];
  const name = asString(mesh.ingressService) || 'istio-ingressgateway';
  const labels = { istio: 'ingressgateway' };
  return [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-dummypod`, namespace: 'istio-system', labels }, spec: { containers: [] } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'istio-system' },
      spec: {
        // istioctl leaves the type unset; LoadBalancer keeps uncoded reachability rules quiet about this stand-in
        type: 'LoadBalancer',
        selector: labels,
        ports: [80, 443, 31400, 15443].map((port) => ({ port, targetPort: port, protocol: 'TCP' })),
      },
    },
  ];
}
