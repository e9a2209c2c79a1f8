/**
 * HTTPRoute rendering of an HttpHost / SecureHost (`api: GatewayApi.KUBERNETES`): the host's rules, validated and
 * rendered by HttpRoute as for a VirtualService, translated rule by rule. What the Gateway API cannot express
 * (direct responses, retries, prefix rewrites, case-insensitive URIs, subsets, prefix query matches) throws, naming the option.
 * Internal: not exported from index.ts.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 */
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { backendRef } from './backend-ref';
import type { KubernetesGateway } from './gateway';
import { escapeRegex } from './util';
import {
  HttpRoute as HttpRouteL1, HttpRouteSpecRules, HttpRouteSpecRulesFilters, HttpRouteSpecRulesFiltersRequestRedirectScheme,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode, HttpRouteSpecRulesFiltersType, HttpRouteSpecRulesFiltersUrlRewritePathType,
  HttpRouteSpecRulesFiltersRequestRedirectPathType, HttpRouteSpecRulesMatches, HttpRouteSpecRulesMatchesHeadersType,
  HttpRouteSpecRulesMatchesMethod, HttpRouteSpecRulesMatchesPathType, HttpRouteSpecRulesMatchesQueryParamsType, toJson_HttpRouteSpec,
} from '../../imports/gateway.networking.k8s.io';
import { VirtualServiceSpecHttpHeadersRequest, VirtualServiceSpecHttpMatch, VirtualServiceSpecHttpMatchHeaders } from '../../imports/networking.istio.io';
import { canonicalRegex, matchesDisjoint, routeMatch, RouteMatch, StringCompare } from '../check/routes/model';
import { IstioGatewaysError } from '../errors';
import { HEADER_NAME } from '../internal/header-operations';
import type { RenderedHttpRule } from '../internal/http-routing';
import { l1Props } from '../internal/l1-props';
import { objectMetadata } from '../internal/virtual-service';

/** Props of {@link HttpRouteRenderer}. */
export interface HttpRouteRendererProps {
  readonly gateway: KubernetesGateway;
  readonly name?: string;
  readonly namespace: string;
  readonly hosts: readonly string[];
  /** Gateway port whose listeners for the hosts the route attaches to. */
  readonly port: number;
}

function stringMatch(scope: Construct, field: string, m: VirtualServiceSpecHttpMatchHeaders): { type: 'Exact' | 'RegularExpression'; value: string } {
  if (m.exact !== undefined) return { type: 'Exact', value: m.exact };
  // Istio's prefix is a plain string prefix; the Gateway API PathPrefix matches whole path segments. RE2 keeps it exact.
  if (m.prefix !== undefined) return { type: 'RegularExpression', value: `${escapeRegex(m.prefix)}.*` };
  if (m.regex !== undefined) return { type: 'RegularExpression', value: m.regex };
  throw new IstioGatewaysError(scope, `${field}: an empty string match has no Gateway API equivalent`);
}

function renderMatch(scope: Construct, field: string, m: VirtualServiceSpecHttpMatch): HttpRouteSpecRulesMatches {
  if (m.ignoreUriCase) {
    throw new IstioGatewaysError(scope, `${field}.ignoreUriCase: the Gateway API has no case-insensitive path match; use HttpMatch.regex with (?i), or api: GatewayApi.ISTIO`);
  }
  let path: HttpRouteSpecRulesMatches['path'];
  if (m.uri) {
    if (m.uri.prefix === '/') {
      path = CATCH_ALL;
    } else {
      const s = stringMatch(scope, `${field}.uri`, m.uri);
      path = { type: s.type === 'Exact' ? HttpRouteSpecRulesMatchesPathType.EXACT : HttpRouteSpecRulesMatchesPathType.REGULAR_EXPRESSION, value: s.value };
    }
  }
  const headers = m.headers ? Object.keys(m.headers).sort().map((name) => {
    const s = stringMatch(scope, `${field}.headers.${name}`, m.headers![name]);
    return { name, type: s.type === 'Exact' ? HttpRouteSpecRulesMatchesHeadersType.EXACT : HttpRouteSpecRulesMatchesHeadersType.REGULAR_EXPRESSION, value: s.value };
  }) : undefined;
  const queryNames = Object.keys(m.queryParams ?? {}).sort();
  if (queryNames.length > MAX_ITEMS) {
    throw new IstioGatewaysError(scope, `${field}.queryParams: ${queryNames.length} query parameters exceed the HTTPRoute limit of ${MAX_ITEMS}; match fewer, or use api: GatewayApi.ISTIO`);
  }
  const queryParams = queryNames.length > 0 ? queryNames.map((name) => {
    const q = m.queryParams![name];
    const f = `${field}.queryParams["${name}"]`;
    if (!HEADER_NAME.test(name) || name.length > 256) {
      throw new IstioGatewaysError(scope, `${f}: the Gateway API allows query parameter names of up to 256 letters, digits and !#$%&'*+.^_\`|~- only; rename the parameter or use api: GatewayApi.ISTIO`);
    }
    // (a prefix query match is refused for both APIs by HttpMatch: Istio does not support it either)
    const value = q.exact ?? q.regex ?? '';
    if (value.length === 0 || value.length > 1024) {
      throw new IstioGatewaysError(scope, `${f}: the Gateway API needs a query value of 1 to 1024 characters, not ${value.length}; match a value (e.g. StringMatch.regex(".*") for any value) or use api: GatewayApi.ISTIO`);
    }
    const type = q.exact !== undefined ? HttpRouteSpecRulesMatchesQueryParamsType.EXACT : HttpRouteSpecRulesMatchesQueryParamsType.REGULAR_EXPRESSION;
    return { name, type, value };
  }) : undefined;
  const method = m.method?.exact as HttpRouteSpecRulesMatchesMethod | undefined;
  // Without a path the Gateway API defaults to PathPrefix "/", which matches every path as Istio's "no uri" does.
  return { path: path ?? CATCH_ALL, headers, queryParams, method };
}

/** Entries per list of an HTTPRoute match or header modifier (the CRD's maxItems). */
const MAX_ITEMS = 16;

/** Istio header operations as a Request/ResponseHeaderModifier (set and add as name-sorted lists), within the CRD limits. */
function headerModifier(scope: Construct, field: string, ops: VirtualServiceSpecHttpHeadersRequest) {
  const list = (op: 'set' | 'add') => {
    const m = ops[op];
    if (!m) return undefined;
    const names = Object.keys(m).sort();
    if (names.length > MAX_ITEMS) {
      throw new IstioGatewaysError(scope, `${field}.${op}: ${names.length} headers exceed the HTTPRoute limit of ${MAX_ITEMS}; change fewer, or use api: GatewayApi.ISTIO`);
    }
    return names.map((name) => {
      const value = m[name];
      if (name.length > 256 || value.length === 0 || value.length > 4096) {
        throw new IstioGatewaysError(scope, `${field}.${op}["${name}"]: the Gateway API needs a header name of up to 256 characters and a value of 1 to 4096 characters; ${value.length === 0 ? 'remove the header instead of setting it empty' : 'shorten it'}, or use api: GatewayApi.ISTIO`);
      }
      return { name, value };
    });
  };
  const remove = ops.remove;
  if (remove && remove.length > MAX_ITEMS) {
    throw new IstioGatewaysError(scope, `${field}.remove: ${remove.length} headers exceed the HTTPRoute limit of ${MAX_ITEMS}; remove fewer, or use api: GatewayApi.ISTIO`);
  }
  return { set: list('set'), add: list('add'), remove };
}

/** Every path: PathPrefix "/" (rewritten to the RE2 "/.*" in routes that also have regex paths, see orderRank). */
const CATCH_ALL = { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' };

function stringCompare(m: VirtualServiceSpecHttpMatchHeaders): StringCompare {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  return canonicalRegex(m.regex ?? '');
}

/** One match of a rule, for the order check: its meaning and the HTTPRoute path it renders to. */
interface OrderEntry {
  readonly rule: number;
  readonly field: string;
  readonly match: RouteMatch;
  readonly path: { readonly type: string; readonly value: string };
  readonly method: boolean;
  readonly headers: number;
  readonly queryParams: number;
  /** The rule's action, to tell whether swapping two overlapping entries changes anything. */
  readonly action: string;
}

/**
 * istiod's sort key of an HTTPRoute match (sortHTTPRoutes: exact > prefix > regex, then longer path, then a method
 * match, then more header matches, then more query parameter matches); catch-all paths become "/.*" when the route has regex paths.
 */
function orderRank(e: OrderEntry, anyRegex: boolean): number[] {
  const p = e.path === CATCH_ALL && anyRegex ? { type: 'RegularExpression', value: '/.*' } : e.path;
  const rank = p.type === 'Exact' ? 3 : p.type === 'PathPrefix' ? 2 : 1;
  return [rank, p.value.length, e.method ? 1 : 0, e.headers, e.queryParams];
}

/**
 * Translates one rendered VirtualService http rule to an HTTPRoute rule, or throws naming the option that has no
 * Gateway API equivalent.
 */
export function toHttpRouteRule(scope: Construct, field: string, rendered: RenderedHttpRule, namespace: string,
  gateway: KubernetesGateway): HttpRouteSpecRules {
  const r = rendered.rule;
  if (r.directResponse) {
    throw new IstioGatewaysError(scope, `${field}: HttpRoute.directResponse has no Gateway API equivalent (HTTPRoute has no direct response filter); use api: GatewayApi.ISTIO for this gateway`);
  }
  if (r.retries) {
    throw new IstioGatewaysError(scope, `${field}.retries: HTTPRoute retries are not in the vendored standard-channel CRDs; remove retries or use api: GatewayApi.ISTIO`);
  }
  const matches = r.match?.map((m, i) => renderMatch(scope, `${field}.matches[${i}]`, m));
  const filters: HttpRouteSpecRulesFilters[] = [];
  if (r.redirect) {
    const d = r.redirect;
    filters.push({
      type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
      requestRedirect: {
        scheme: d.scheme as HttpRouteSpecRulesFiltersRequestRedirectScheme | undefined,
        hostname: d.authority,
        port: d.port,
        path: d.uri !== undefined ? { type: HttpRouteSpecRulesFiltersRequestRedirectPathType.REPLACE_FULL_PATH, replaceFullPath: d.uri } : undefined,
        statusCode: (d.redirectCode ?? 301) as HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
      },
    });
  }
  if (r.rewrite) {
    if (r.rewrite.uri !== undefined && !(r.match && r.match.length > 0 && r.match.every((m) => m.uri?.exact !== undefined))) {
      throw new IstioGatewaysError(scope, `${field}.rewrite.uri: Istio replaces the matched prefix, which the Gateway API expresses only for segment-wise PathPrefix matches; use exact matches (rendered as ReplaceFullPath) or api: GatewayApi.ISTIO`);
    }
    filters.push({
      type: HttpRouteSpecRulesFiltersType.URL_REWRITE,
      urlRewrite: {
        hostname: r.rewrite.authority,
        path: r.rewrite.uri !== undefined
          ? { type: HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_FULL_PATH, replaceFullPath: r.rewrite.uri }
          : undefined,
      },
    });
  }
  if (r.headers?.request) {
    filters.push({ type: HttpRouteSpecRulesFiltersType.REQUEST_HEADER_MODIFIER, requestHeaderModifier: headerModifier(scope, `${field}.requestHeaders`, r.headers.request) });
  }
  if (r.headers?.response) {
    filters.push({ type: HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER, responseHeaderModifier: headerModifier(scope, `${field}.responseHeaders`, r.headers.response) });
  }
  const backendRefs = rendered.destinations.length > 0
    ? rendered.destinations.map((d, i) => backendRef(scope, `${field}.destinations[${i}]`, d, 'HTTPRoute', namespace, gateway.grants,
      rendered.destinations.length > 1 ? d.weight : undefined))
    : undefined;
  return {
    name: r.name,
    matches,
    filters: filters.length > 0 ? filters : undefined,
    backendRefs,
    timeouts: r.timeout ? { request: r.timeout } : undefined,
  };
}

/** One HTTPRoute for the hosts of an HttpHost/SecureHost, attached to their listeners on one port. */
export class HttpRouteRenderer {
  public readonly apiObject: ApiObject;
  private readonly rules: HttpRouteSpecRules[] = [];
  private readonly entries: OrderEntry[] = [];

  constructor(private readonly scope: Construct, id: string, private readonly props: HttpRouteRendererProps) {
    props.gateway.attach(props.port, props.hosts, props.namespace);
    const hostnames = [...props.hosts].filter((h) => h !== '*').map((h) => h.toLowerCase()).sort();
    this.apiObject = new ApiObject(scope, id, l1Props(HttpRouteL1.GVK, {
      metadata: objectMetadata(props.name, props.namespace),
      spec: Lazy.any({
        produce: () => toJson_HttpRouteSpec({
          parentRefs: props.gateway.parentRefs(props.port, props.hosts, props.namespace),
          hostnames: hostnames.length > 0 ? hostnames : undefined,
          rules: this.rules.length > 0 ? this.renderRules() : undefined,
        }),
      }),
    }));
  }

  /**
   * Translates and appends a rendered rule. Istio applies VirtualService rules in order, first match wins; istiod
   * applies HTTPRoute matches by precedence instead. Where that reorders two matches that overlap and act
   * differently, the routing would change: that throws, naming both rules.
   */
  public add(field: string, rendered: RenderedHttpRule): void {
    const rule = toHttpRouteRule(this.scope, field, rendered, this.props.namespace, this.props.gateway);
    const index = this.rules.length;
    const { match: _m, name: _n, ...act } = rendered.rule;
    const action = JSON.stringify(act);
    const vsMatches = rendered.rule.match && rendered.rule.match.length > 0 ? rendered.rule.match : [{}];
    const added: OrderEntry[] = vsMatches.map((m, i) => {
      const headers = m.headers ? Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, stringCompare(v)])) : undefined;
      const query = m.queryParams ? Object.fromEntries(Object.entries(m.queryParams).map(([k, v]) => [k, stringCompare(v)])) : undefined;
      const gm = rule.matches?.[i];
      return {
        rule: index,
        field: rendered.rule.match && rendered.rule.match.length > 0 ? `${field}.matches[${i}]` : field,
        match: routeMatch(m.uri ? stringCompare(m.uri) : undefined, m.method?.exact, headers, query),
        path: gm?.path && gm.path !== CATCH_ALL ? { type: gm.path.type ?? 'PathPrefix', value: gm.path.value ?? '/' } : CATCH_ALL,
        method: m.method !== undefined,
        headers: Object.keys(m.headers ?? {}).length,
        queryParams: Object.keys(m.queryParams ?? {}).length,
        action,
      };
    });
    const all = [...this.entries, ...added];
    const anyRegex = all.some((e) => e.path.type === 'RegularExpression');
    const ranked = all.map((e, pos) => ({ e, pos, rank: orderRank(e, anyRegex) }));
    const sorted = [...ranked].sort((a, b) => {
      for (let k = 0; k < a.rank.length; k++) if (a.rank[k] !== b.rank[k]) return b.rank[k] - a.rank[k];
      return a.pos - b.pos;
    });
    const at = new Map(sorted.map((x, i) => [x.pos, i]));
    for (let j = this.entries.length; j < all.length; j++) {
      for (let i = 0; i < j; i++) {
        const [a, b] = [all[i], all[j]];
        if (at.get(j)! > at.get(i)! || a.action === b.action || matchesDisjoint(a.match, b.match)) continue;
        throw new IstioGatewaysError(this.scope, `${b.field}: this match overlaps ${a.field} and acts differently; the Gateway API applies matches by precedence (exact paths first, then longer paths, then method and header matches), not in order, so it would win over ${a.field}. Put the more specific rule first, make the matches disjoint, or use api: GatewayApi.ISTIO`);
      }
    }
    this.entries.push(...added);
    this.rules.push(rule);
  }

  /** The rules, with catch-all paths as the RE2 "/.*" when the route has regex paths (so they keep their place). */
  private renderRules(): HttpRouteSpecRules[] {
    const anyRegex = this.entries.some((e) => e.path.type === 'RegularExpression');
    if (!anyRegex) return this.rules.map((r) => ({ ...r }));
    const all: HttpRouteSpecRulesMatches = { path: { type: HttpRouteSpecRulesMatchesPathType.REGULAR_EXPRESSION, value: '/.*' } };
    return this.rules.map((r) => ({
      ...r,
      matches: (r.matches ?? [{}]).map((m) => (m.path === CATCH_ALL || m.path === undefined ? { ...m, path: all.path } : m)),
    }));
  }
}
