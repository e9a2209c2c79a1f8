import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Destination } from './destination';
import { IstioGatewaysError } from './errors';
import type { HeaderOperations } from './header-operations';
import {
  VirtualServiceSpecHttp, VirtualServiceSpecHttpMatch, VirtualServiceSpecHttpMatchHeaders, VirtualServiceSpecHttpRoute,
} from '../imports/networking.istio.io';
import { isAuthorityHeader, renderHeaderOperations } from './internal/header-operations';
import type { RenderedHttpRule } from './internal/http-routing';
import { validatePort } from './internal/validate';

/** HTTP methods a route can match. */
export enum HttpMethod {
  /** GET */
  GET = 'GET',
  /** HEAD */
  HEAD = 'HEAD',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** DELETE */
  DELETE = 'DELETE',
  /** PATCH */
  PATCH = 'PATCH',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
  /** CONNECT */
  CONNECT = 'CONNECT',
  /** TRACE */
  TRACE = 'TRACE',
}

/** How a string (a URI, a header value) is compared. */
export enum StringMatchType {
  /** The whole value equals the string. */
  EXACT = 'exact',
  /** The value starts with the string. */
  PREFIX = 'prefix',
  /** The value matches the RE2 regular expression. */
  REGEX = 'regex',
}

/**
 * A string comparison for URIs and header values: exact, prefix or RE2 regex.
 *
 * @example
 * StringMatch.prefix('/api/v1/products');
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch
 */
export class StringMatch {
  /** The value must equal `value`. */
  public static exact(value: string): StringMatch {
    return new StringMatch(StringMatchType.EXACT, value);
  }

  /** The value must start with `value`. */
  public static prefix(value: string): StringMatch {
    return new StringMatch(StringMatchType.PREFIX, value);
  }

  /** The value must match the RE2 regular expression `regex` (whole-string match). */
  public static regex(regex: string): StringMatch {
    return new StringMatch(StringMatchType.REGEX, regex);
  }

  /** How the value is compared. */
  public readonly type: StringMatchType;
  /** The string or regex. */
  public readonly value: string;

  private constructor(type: StringMatchType, value: string) {
    this.type = type;
    this.value = value;
  }

  /** @internal */
  public _render(): VirtualServiceSpecHttpMatchHeaders {
    return { [this.type]: this.value };
  }
}

/** Conditions of an {@link HttpMatch} besides the URI. */
export interface HttpMatchOptions {
  /**
   * Request headers that must match, by lowercase header name.
   * @default - any headers
   */
  readonly headers?: { [name: string]: StringMatch };
  /**
   * Request method.
   * @default - any method
   */
  readonly method?: HttpMethod;
  /**
   * Compare the URI case-insensitively (exact and prefix only).
   * @default false
   */
  readonly ignoreUriCase?: boolean;
  /**
   * Query parameters that must match, by name (case-sensitive), with `StringMatch.exact` or `StringMatch.regex`
   * (Istio does not support prefix matching of query parameters). `StringMatch.exact('')` matches a parameter given
   * without a value (`?debug`); the Gateway API (`api: GatewayApi.KUBERNETES`) has no empty value.
   * @default - any query
   * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
   */
  readonly queryParams?: { [name: string]: StringMatch };
}

/** Props of {@link HttpMatch.of}. */
export interface HttpMatchProps extends HttpMatchOptions {
  /**
   * The request URI (path).
   * @default - any URI
   */
  readonly uri?: StringMatch;
}

/**
 * One condition set of an HTTP route: all of its fields must match (a route with several matches applies when
 * any of them does).
 *
 * @example
 * HttpMatch.exact('/productpage');
 * HttpMatch.prefix('/api/v1/products', { method: HttpMethod.GET });
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export class HttpMatch {
  /** The path equals `path`. */
  public static exact(path: string, options: HttpMatchOptions = {}): HttpMatch {
    return new HttpMatch({ ...options, uri: StringMatch.exact(path) });
  }

  /** The path starts with `path`. */
  public static prefix(path: string, options: HttpMatchOptions = {}): HttpMatch {
    return new HttpMatch({ ...options, uri: StringMatch.prefix(path) });
  }

  /** The path matches the RE2 regular expression. */
  public static regex(regex: string, options: HttpMatchOptions = {}): HttpMatch {
    return new HttpMatch({ ...options, uri: StringMatch.regex(regex) });
  }

  /** Any combination of URI, headers and method. */
  public static of(props: HttpMatchProps): HttpMatch {
    return new HttpMatch(props);
  }

  private constructor(private readonly props: HttpMatchProps) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): VirtualServiceSpecHttpMatch {
    const p = this.props;
    const uri = p.uri;
    if (uri) {
      if (typeof uri.value !== 'string' || uri.value.length === 0) {
        throw new IstioGatewaysError(scope, `${field}.uri: an empty ${uri.type} matches nothing useful; give a path such as "/" (prefix) or omit uri to match any path`);
      }
      if (uri.type !== StringMatchType.REGEX && !uri.value.startsWith('/')) {
        throw new IstioGatewaysError(scope, `${field}.uri: ${uri.type} "${uri.value}" must begin with a "/"; request paths always do, e.g. "/${uri.value}"`);
      }
    }
    if (p.ignoreUriCase && uri?.type === StringMatchType.REGEX) {
      throw new IstioGatewaysError(scope, `${field}.ignoreUriCase: has no effect on a regex uri; use (?i) in the regex instead`);
    }
    const headers = p.headers ?? {};
    const headerNames = Object.keys(headers).sort();
    for (const name of headerNames) {
      if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
        throw new IstioGatewaysError(scope, `${field}.headers: "${name}" is not a lowercase HTTP header name; Istio compares header names in lowercase, use "${name.toLowerCase()}"`);
      }
    }
    const query = p.queryParams ?? {};
    const queryNames = Object.keys(query).sort();
    for (const name of queryNames) {
      if (name.length === 0) {
        throw new IstioGatewaysError(scope, `${field}.queryParams: a query parameter name must not be empty; give the name, e.g. "version"`);
      }
      const m = query[name];
      if (m.type === StringMatchType.PREFIX) {
        throw new IstioGatewaysError(scope, `${field}.queryParams["${name}"]: Istio does not support prefix matching of query parameters (the match would never apply); use StringMatch.exact or StringMatch.regex, e.g. StringMatch.regex("${m.value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}.*")`);
      }
      if (m.type !== StringMatchType.EXACT && m.value.length === 0) {
        throw new IstioGatewaysError(scope, `${field}.queryParams["${name}"]: an empty ${m.type} is invalid; use StringMatch.exact("") to match "?${name}" without a value, or give a ${m.type}`);
      }
    }
    const out: VirtualServiceSpecHttpMatch = {
      uri: uri ? uri._render() : undefined,
      headers: headerNames.length > 0 ? Object.fromEntries(headerNames.map((n) => [n, headers[n]._render()])) : undefined,
      queryParams: queryNames.length > 0 ? Object.fromEntries(queryNames.map((n) => [n, query[n]._render()])) : undefined,
      method: p.method ? { exact: p.method } : undefined,
      ignoreUriCase: p.ignoreUriCase ? true : undefined,
    };
    if (!out.uri && !out.headers && !out.method && !out.queryParams) {
      throw new IstioGatewaysError(scope, `${field}: a match with no uri, headers, queryParams or method matches everything; omit the match instead`);
    }
    return out;
  }
}

/** Retry policy of a route. */
export interface HttpRetries {
  /** Number of retries (0 disables retries, including Istio's default of 2). */
  readonly attempts: number;
  /**
   * Timeout of each attempt.
   * @default - the route timeout
   */
  readonly perTryTimeout?: Duration;
  /**
   * Conditions that trigger a retry (Envoy `x-envoy-retry-on` values, e.g. `5xx`, `gateway-error`, `reset`,
   * `connect-failure`, `retriable-4xx`, or gRPC status names).
   * @default - Istio's default (connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes)
   */
  readonly retryOn?: string[];
}

/** Rewrite of the request before it is forwarded. */
export interface HttpRewrite {
  /**
   * Replace the matched path (or prefix) with this.
   * @default - path unchanged
   */
  readonly uri?: string;
  /**
   * Replace the Host/:authority header.
   * @default - authority unchanged
   */
  readonly authority?: string;
}

/** Options shared by every kind of {@link HttpRoute}. */
export interface HttpRuleOptions {
  /**
   * Conditions; the rule applies when any match does. Rules are evaluated in order, first match wins.
   * @default - every request
   */
  readonly matches?: HttpMatch[];
  /**
   * Name of the rule (shows in access logs and stats).
   * @default - unnamed
   */
  readonly name?: string;
}

/** Options of {@link HttpRoute.to}. */
export interface HttpRouteOptions extends HttpRuleOptions {
  /**
   * Rewrite the path or authority before forwarding.
   * @default - no rewrite
   */
  readonly rewrite?: HttpRewrite;
  /**
   * Timeout of the whole request (all retries included).
   * @default - no timeout
   */
  readonly timeout?: Duration;
  /**
   * Retry policy.
   * @default - Istio's default (2 attempts)
   */
  readonly retries?: HttpRetries;
  /**
   * Changes to the request headers before the request is forwarded. Only forwarding routes take header operations:
   * a redirect or direct response never reaches a backend.
   * @default - request headers unchanged
   * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers
   */
  readonly requestHeaders?: HeaderOperations;
  /**
   * Changes to the response headers before the response is returned.
   * @default - response headers unchanged
   * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers
   */
  readonly responseHeaders?: HeaderOperations;
}

/** Scheme of a redirect. */
export enum RedirectScheme {
  /** http */
  HTTP = 'http',
  /** https */
  HTTPS = 'https',
}

/** Where a redirect points. At least one field must change something. */
export interface HttpRedirect {
  /**
   * Replace the path.
   * @default - path unchanged
   */
  readonly uri?: string;
  /**
   * Replace the host.
   * @default - host unchanged
   */
  readonly authority?: string;
  /**
   * Replace the scheme.
   * @default - scheme unchanged
   */
  readonly scheme?: RedirectScheme;
  /**
   * Replace the port.
   * @default - port unchanged
   */
  readonly port?: number;
  /**
   * HTTP status code: 301, 302, 303, 307 or 308.
   * @default 301
   */
  readonly code?: number;
}

/** Options of {@link HttpRoute.directResponse}. */
export interface DirectResponseOptions extends HttpRuleOptions {
  /**
   * Response body.
   * @default - empty body
   */
  readonly body?: string;
}

const REDIRECT_CODES = [301, 302, 303, 307, 308];


type Action =
  | { readonly kind: 'route'; readonly destinations: Destination[]; readonly options: HttpRouteOptions }
  | { readonly kind: 'redirect'; readonly redirect: HttpRedirect; readonly options: HttpRuleOptions }
  | { readonly kind: 'direct'; readonly status: number; readonly options: DirectResponseOptions };

/** Istio duration text (`10s`, `250ms`). */
function istioDuration(scope: IConstruct, field: string, d: Duration): string {
  // toMilliseconds() throws a plain Error for fractions of a millisecond; read it non-integrally and say what's wrong.
  const ms = d.toMilliseconds({ integral: false });
  if (!(ms >= 1)) {
    throw new IstioGatewaysError(scope, `${field}: ${ms}ms is below Istio's minimum of 1ms; use at least Duration.millis(1)`);
  }
  if (!Number.isInteger(ms)) {
    throw new IstioGatewaysError(scope, `${field}: ${ms}ms is not a whole number of milliseconds; round it, e.g. Duration.millis(${Math.round(ms)})`);
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * One rule of a VirtualService's `http` list: conditions plus exactly one action — forward to destinations,
 * redirect, or answer directly. The factories make "route and redirect at once" unwritable.
 *
 * @example
 * HttpRoute.to([Destination.service('productpage', 9080)], { matches: [HttpMatch.exact('/productpage')] });
 * HttpRoute.to([
 *   Destination.service('reviews', 9080, { subset: 'v1', subsetLabels: { version: 'v1' }, weight: 90 }),
 *   Destination.service('reviews', 9080, { subset: 'v2', subsetLabels: { version: 'v2' }, weight: 10 }),
 * ]);
 * HttpRoute.redirect({ authority: 'www.example.com' }, { matches: [HttpMatch.prefix('/old')] });
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
 */
export class HttpRoute {
  /**
   * Forward to one or more destinations. With several destinations every one needs a weight and the weights
   * must add up to 100.
   */
  public static to(destinations: Destination[], options: HttpRouteOptions = {}): HttpRoute {
    return new HttpRoute({ kind: 'route', destinations: [...(destinations ?? [])], options });
  }

  /** Answer with a redirect (301 unless `code` says otherwise). */
  public static redirect(redirect: HttpRedirect, options: HttpRuleOptions = {}): HttpRoute {
    return new HttpRoute({ kind: 'redirect', redirect, options });
  }

  /** Answer directly with a status code (and optional body), without contacting a backend. */
  public static directResponse(status: number, options: DirectResponseOptions = {}): HttpRoute {
    return new HttpRoute({ kind: 'direct', status, options });
  }

  private constructor(private readonly action: Action) {}

  /** The destinations of a forwarding rule (empty for redirects and direct responses). */
  public get destinations(): Destination[] {
    return this.action.kind === 'route' ? [...this.action.destinations] : [];
  }

  /**
   * Validates the rule (eagerly, where it is added) and renders it; Service destinations without a namespace
   * resolve in `namespace`.
   * @internal
   */
  public _render(scope: IConstruct, field: string, namespace: string): RenderedHttpRule {
    const a = this.action;
    const o = a.options;
    const match = o.matches && o.matches.length > 0 ? o.matches.map((m, i) => m._render(scope, `${field}.matches[${i}]`)) : undefined;
    if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0)) {
      throw new IstioGatewaysError(scope, `${field}.name: "${String(o.name)}" must be a non-empty string`);
    }
    // the rule is `{ ...base, ...rest }`, built by Object.assign onto the fresh `base` (same keys, same order): V8
    // gives each object made by a spread plus more properties a hidden class of its own, and HttpRouting keeps the
    // rendered rules (3.6 MB of hidden classes at 15,000 routes)
    const base: VirtualServiceSpecHttp = { name: o.name, match };
    switch (a.kind) {
      case 'route':
        return {
          rule: Object.assign(base, this.renderRoute(scope, field, namespace, a.destinations, a.options)),
          destinations: a.destinations,
        };
      case 'redirect':
        return { rule: Object.assign(base, { redirect: this.renderRedirect(scope, field, a.redirect) }), destinations: [] };
      case 'direct':
        if (!Number.isInteger(a.status) || a.status < 200 || a.status > 599) {
          throw new IstioGatewaysError(scope, `${field}.directResponse: status ${a.status} must be an HTTP status from 200 to 599`);
        }
        return {
          rule: Object.assign(base, {
            directResponse: { status: a.status, body: a.options.body !== undefined ? { string: a.options.body } : undefined },
          }),
          destinations: [],
        };
    }
  }

  private renderRoute(scope: IConstruct, field: string, namespace: string, destinations: Destination[], o: HttpRouteOptions): VirtualServiceSpecHttp {
    if (destinations.length === 0) {
      throw new IstioGatewaysError(scope, `${field}: a route needs at least one destination, e.g. HttpRoute.to([Destination.service("web", 80)]); use HttpRoute.redirect or HttpRoute.directResponse to answer without a backend`);
    }
    destinations.forEach((d, i) => d._validate(scope, `${field}.destinations[${i}]`));
    if (destinations.length > 1) {
      const missing = destinations.findIndex((d) => d.weight === undefined);
      if (missing >= 0) {
        throw new IstioGatewaysError(scope, `${field}.destinations[${missing}]: weight is missing; with ${destinations.length} destinations give each a weight, adding up to 100`);
      }
      const sum = destinations.reduce((s, d) => s + (d.weight ?? 0), 0);
      if (sum !== 100) {
        throw new IstioGatewaysError(scope, `${field}: weights ${destinations.map((d) => d.weight).join(' + ')} add up to ${sum}, not 100; adjust them so they add up to 100`);
      }
      const seen = new Set<string>();
      destinations.forEach((d, i) => {
        const key = `${d._fqdn(namespace)}|${d.port ?? ''}|${d.subset ?? ''}`;
        if (seen.has(key)) {
          throw new IstioGatewaysError(scope, `${field}.destinations[${i}]: ${d.name}${d.subset ? ` subset ${d.subset}` : ''} is listed twice; merge the two weights into one destination`);
        }
        seen.add(key);
      });
    } else if (destinations[0].weight !== undefined && destinations[0].weight !== 100) {
      throw new IstioGatewaysError(scope, `${field}.destinations[0]: weight ${destinations[0].weight} on the only destination is treated as 100; remove the weight or add the other destinations`);
    }
    const route: VirtualServiceSpecHttpRoute[] = destinations.map((d) => ({
      destination: { host: d._fqdn(namespace), port: d.port !== undefined ? { number: d.port } : undefined, subset: d.subset },
      weight: destinations.length > 1 ? d.weight : undefined,
    }));
    let rewrite: VirtualServiceSpecHttp['rewrite'];
    if (o.rewrite) {
      if (o.rewrite.uri === undefined && o.rewrite.authority === undefined) {
        throw new IstioGatewaysError(scope, `${field}.rewrite: rewrites nothing; set uri or authority, or omit rewrite`);
      }
      if (o.rewrite.uri !== undefined && !o.rewrite.uri.startsWith('/')) {
        throw new IstioGatewaysError(scope, `${field}.rewrite.uri: "${o.rewrite.uri}" must begin with a "/"`);
      }
      if (o.rewrite.authority !== undefined && o.rewrite.authority.length === 0) {
        throw new IstioGatewaysError(scope, `${field}.rewrite.authority: an empty authority is invalid; give a host such as "backend.example.com" or omit it`);
      }
      rewrite = { uri: o.rewrite.uri, authority: o.rewrite.authority };
    }
    let retries: VirtualServiceSpecHttp['retries'];
    if (o.retries) {
      const r = o.retries;
      if (!Number.isInteger(r.attempts) || r.attempts < 0) {
        throw new IstioGatewaysError(scope, `${field}.retries.attempts: ${r.attempts} must be an integer of 0 or more`);
      }
      if (r.attempts === 0 && (r.perTryTimeout !== undefined || (r.retryOn && r.retryOn.length > 0))) {
        throw new IstioGatewaysError(scope, `${field}.retries: attempts 0 disables retries, so perTryTimeout and retryOn have no effect; remove them or set attempts above 0`);
      }
      (r.retryOn ?? []).forEach((c, i) => {
        if (typeof c !== 'string' || !/^[a-z0-9-]+$/i.test(c)) {
          throw new IstioGatewaysError(scope, `${field}.retries.retryOn[${i}]: "${String(c)}" is not a retry condition; use values such as "5xx", "gateway-error", "connect-failure" or an HTTP status code`);
        }
      });
      retries = {
        attempts: r.attempts,
        perTryTimeout: r.perTryTimeout ? istioDuration(scope, `${field}.retries.perTryTimeout`, r.perTryTimeout) : undefined,
        retryOn: r.retryOn && r.retryOn.length > 0 ? r.retryOn.join(',') : undefined,
      };
    }
    const request = renderHeaderOperations(scope, `${field}.requestHeaders`, o.requestHeaders);
    const response = renderHeaderOperations(scope, `${field}.responseHeaders`, o.responseHeaders);
    const hostHeader = Object.keys({ ...request?.set, ...request?.add }).find(isAuthorityHeader);
    if (hostHeader !== undefined && rewrite?.authority !== undefined) {
      throw new IstioGatewaysError(scope, `${field}.requestHeaders: "${hostHeader}" sets the authority, which rewrite.authority already sets; keep one of them`);
    }
    return {
      route,
      rewrite,
      headers: request || response ? { request, response } : undefined,
      timeout: o.timeout ? istioDuration(scope, `${field}.timeout`, o.timeout) : undefined,
      retries,
    };
  }

  private renderRedirect(scope: IConstruct, field: string, r: HttpRedirect): VirtualServiceSpecHttp['redirect'] {
    if (!r || (r.uri === undefined && r.authority === undefined && r.scheme === undefined && r.port === undefined)) {
      throw new IstioGatewaysError(scope, `${field}.redirect: a redirect with nothing to redirect to would loop; set uri, authority, scheme or port`);
    }
    if (r.uri !== undefined && !r.uri.startsWith('/')) {
      throw new IstioGatewaysError(scope, `${field}.redirect.uri: "${r.uri}" must begin with a "/"`);
    }
    if (r.authority !== undefined && r.authority.length === 0) {
      throw new IstioGatewaysError(scope, `${field}.redirect.authority: an empty authority is invalid; give a host such as "www.example.com" or omit it`);
    }
    if (r.port !== undefined) validatePort(scope, `${field}.redirect.port`, r.port);
    const code = r.code ?? 301;
    if (!REDIRECT_CODES.includes(code)) {
      throw new IstioGatewaysError(scope, `${field}.redirect.code: ${code} is not a redirect status; use 301, 302, 303, 307 or 308`);
    }
    return {
      uri: r.uri,
      authority: r.authority,
      scheme: r.scheme,
      port: r.port,
      redirectCode: r.code !== undefined ? code : undefined,
    };
  }
}
