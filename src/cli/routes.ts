/**
 * `cdk8s-istio-gateways routes [--format text|json] [--namespace NS] [--assume-install demo|default|none] PATH...`:
 * prints the effective routing table of Istio API and Gateway API YAML (per gateway workload and listener port:
 * host, TLS mode and credential, then the route entries in the order the proxy applies them).
 */
import { parseArgs } from 'util';
import { readInputs } from './inputs';
import type { InstallAssumption } from '../check/mesh-index';
import { effectiveRoutes, formatRoutesText } from '../check/routes';
import { isDns1123Label } from '../internal/dns-names';

export const ROUTES_USAGE = `usage: cdk8s-istio-gateways routes [options] PATH...

Prints the effective routing table of Istio (Gateway, VirtualService) and Gateway API (Gateway, HTTPRoute,
TLSRoute, TCPRoute) manifests: per gateway workload and listener port, each host with its TLS mode and
credential and its routes in the order the proxy applies them.

options:
  --format text|json          output format (default text); json prints {"rows":[...]}
  --namespace NS              namespace of objects without metadata.namespace (default "default")
  --assume-install demo|default|none
                              gateway install to assume when the input declares none (default demo)
  -h, --help                  show this help
`;

/** Where the subcommand writes. */
export interface RoutesIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

/** Runs `routes` with its arguments (after the subcommand); returns the exit code (0 ok, 2 bad usage). Input errors propagate. */
export function runRoutes(args: readonly string[], io: RoutesIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        'format': { type: 'string', default: 'text' },
        'namespace': { type: 'string', short: 'n' },
        'assume-install': { type: 'string' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n\n${ROUTES_USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(ROUTES_USAGE);
    return 0;
  }
  const problems: string[] = [];
  if (v.format !== 'text' && v.format !== 'json') problems.push(`--format must be one of text, json, not "${v.format}"`);
  const assume = v['assume-install'];
  if (assume !== undefined && !['demo', 'default', 'none'].includes(assume)) problems.push(`--assume-install must be one of demo, default, none, not "${assume}"`);
  if (v.namespace !== undefined && !isDns1123Label(v.namespace)) problems.push(`--namespace "${v.namespace}" is not a valid namespace name`);
  if (parsed.positionals.length === 0) problems.push('no PATH given: pass manifest files or directories');
  if (problems.length > 0) {
    io.stderr.write(`error: ${problems[0]}\n\n${ROUTES_USAGE}`);
    return 2;
  }
  const inputs = readInputs(parsed.positionals);
  const table = effectiveRoutes(inputs.objects, {
    ...(v.namespace ? { defaultNamespace: v.namespace } : {}),
    ...(assume ? { assumeInstall: assume as InstallAssumption } : {}),
  });
  io.stdout.write(v.format === 'json' ? `${JSON.stringify(table, null, 2)}\n` : formatRoutesText(table));
  return 0;
}
