import { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for a local mistake in its props.
 *
 * The message starts with the construct path, then names the prop, the value and the fix:
 * `[app/chart/webapp] hosts[0]: "webapp" is a short name; use a fully qualified domain name such as webapp.example.com`.
 *
 * Exported from the index for TypeScript/JavaScript users (`err instanceof IstioGatewaysError`, `err.constructPath`)
 * outside the jsii type model: jsii cannot model Error subclasses, so other languages see the message only.
 */
export class IstioGatewaysError extends Error {
  /** Construct path of the construct whose props were wrong. */
  public readonly constructPath: string;

  constructor(scope: IConstruct, message: string) {
    const path = scope.node.path || '<app>';
    super(`[${path}] ${message}`);
    this.name = 'IstioGatewaysError';
    this.constructPath = path;
  }
}

/** Throws an {@link IstioGatewaysError} when `condition` is false. */
export function ensure(condition: unknown, scope: IConstruct, message: () => string): asserts condition {
  if (!condition) {
    throw new IstioGatewaysError(scope, message());
  }
}
