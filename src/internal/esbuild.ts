/**
 * What the two build-time bundles share (crds/cel/runtime.js from src/check/schema/cel-runtime.ts, and the bin
 * lib/cli.js from src/cli/bundle.ts): esbuild, loaded only when bundling, and the options of a minified CommonJS
 * bundle for node. Internal: not exported from index.ts.
 */
import type { BuildOptions } from 'esbuild';

/** esbuild, a devDependency: used by a projen task and the tests, never at run time. */
export function esbuild(): typeof import('esbuild') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  return require('esbuild') as typeof import('esbuild');
}

/**
 * One CommonJS file for node 18+, minified: V8 compiles the whole file when it is loaded, ~30% faster than unminified
 * (neither bundle's code reads function or class names, and the CLI prints no stack traces).
 */
export const NODE_BUNDLE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
};
