// Bundles the suites that run inside VS Code's extension host into out/test/integration/ (the
// trusted-workspace suites) and out/test/integration/restricted/ (Restricted Mode), one file per
// suite plus each folder's index.js. `vscode` comes from the host and mocha from node_modules at
// run time (its reporters load by name), so both stay external.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const groups = [
  ['test/integration/suite', 'out/test/integration'],
  ['test/integration/restricted', 'out/test/integration/restricted'],
];
rmSync('out/test/integration', { recursive: true, force: true });
for (const [dir, outdir] of groups) {
  await esbuild.build({
    entryPoints: readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f)),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}
