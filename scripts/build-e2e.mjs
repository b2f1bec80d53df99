// Bundles the editor test suite for VS Code's extension host: out/e2e/suite/index.js (mocha and the
// loader) and one bundle per test/e2e/suite/**/*.test.ts, with `vscode` left to the extension host.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const suiteDir = 'test/e2e/suite';
const outdir = 'out/e2e/suite';
const tests = readdirSync(suiteDir, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => join(suiteDir, name));

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(suiteDir, 'index.ts'), ...tests],
  outdir,
  outbase: suiteDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  // mocha's parallel mode resolves its worker files at run time; the suite runs serially.
  logOverride: { 'require-resolve-not-external': 'silent' },
  external: ['vscode', 'cpu-features', '*.node'],
});
console.log(`build-e2e: ${tests.length} test file(s) -> ${outdir}`);
