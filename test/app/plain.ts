// An app that uses no construct of the library: only the cdk8s-cli validation plugin checks it.
import { ApiObject, App, Chart } from 'cdk8s';

const app = new App();
const chart = new Chart(app, 'plain', { namespace: 'web' });
new ApiObject(chart, 'gw', {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'web-gateway', namespace: 'web' },
  spec: {
    selector: { istio: 'ingressgateway' },
    // HTTPS without a tls block: the plugin must report GW-TLS-001
    servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['web.example.com'] }],
  },
});
app.synth();
