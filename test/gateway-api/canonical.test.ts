/** canonicalRoutes: equal for orders that route every request alike, different otherwise. */
import { canonicalRoutes, RouteEntry, RouteRow, RouteTable } from '../../src/check/routes';

const to = (host: string) => ({ backends: [{ host, port: 80, percent: 100 }] });
// E1 GET regex → web; E2 prefix /a + x-env=x → redirect; E3 prefix /a + POST + x-env=y → api
const e1: RouteEntry = { match: { path: { regex: '/a/[0-9]+' }, method: 'GET' }, action: to('web'), source: 'a' };
const e2: RouteEntry = { match: { path: { prefix: '/a' }, headers: { 'x-env': { exact: 'x' } } }, action: { redirect: { path: '/a', code: 301 } }, source: 'b' };
const e3: RouteEntry = { match: { path: { prefix: '/a' }, method: 'POST', headers: { 'x-env': { exact: 'y' } } }, action: to('api'), source: 'c' };

const table = (entries: RouteEntry[]): RouteTable => {
  const row: RouteRow = { workload: 'w', port: 8080, protocol: 'HTTP', host: 'a.example.com', entries };
  return { rows: [row] };
};

test('orders that only swap disjoint entries are equal (E3 is disjoint from E1 by method and from E2 by header)', () => {
  const istio = canonicalRoutes(table([e1, e2, e3]));
  expect(canonicalRoutes(table([e1, e3, e2]))).toEqual(istio);
  expect(canonicalRoutes(table([e3, e1, e2]))).toEqual(istio);
  expect(istio.rows[0].entries.every((e) => e.source === '')).toBe(true);
});

test('swapping overlapping entries with different actions makes a difference', () => {
  expect(canonicalRoutes(table([e2, e1, e3]))).not.toEqual(canonicalRoutes(table([e1, e2, e3])));
});

test('overlapping entries with the same action may swap; a later identical match is dropped', () => {
  const a: RouteEntry = { match: { path: { prefix: '/a' } }, action: to('web'), source: '' };
  const b: RouteEntry = { match: { path: { exact: '/a/b' } }, action: to('web'), source: '' };
  expect(canonicalRoutes(table([a, b]))).toEqual(canonicalRoutes(table([b, a])));
  expect(canonicalRoutes(table([a, { ...a, action: to('api') }])).rows[0].entries).toEqual([{ ...a, source: '' }]);
});
