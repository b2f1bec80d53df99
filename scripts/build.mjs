// Bundles the extension, the command line tool and the in-container runtime client with esbuild.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  // ssh2's optional native pieces: it falls back to pure JavaScript when they are absent.
  // esbuild finds its native binary beside its own package, so it is loaded from node_modules, not bundled.
  external: ['vscode', 'cpu-features', '*.node', 'esbuild'],
};

const entries = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Runs inside the function's container (or as a child process): no dependencies beyond Node.js.
  // Node.js 18 is the oldest runtime it serves.
  { entryPoints: ['src/core/runtime/client/main.ts'], outfile: 'dist/runtime/bootstrap.js', sourcemap: false, external: [], target: 'node18' },
  // Preloaded (NODE_OPTIONS=--require) before AWS's runtime client in a debugged instance of an official image.
  { entryPoints: ['src/core/runtime/client/debugPreload.ts'], outfile: 'dist/runtime/debugger.js', sourcemap: false, external: [], target: 'node16' },
  // The Runtime API relay for remote engines: runs in a container of the local Node.js image, beside bootstrap.js.
  { entryPoints: ['src/core/engine/relay/relayMain.ts'], outfile: 'dist/runtime/relay.js', sourcemap: false, external: [] },
];

await Promise.all(entries.map((entry) => build({ ...common, ...entry })));
// The Python runtime client runs as it is, in the local Python image or as a child process: standard library only.
fs.mkdirSync('dist/runtime/python', { recursive: true });
fs.copyFileSync('src/core/runtime/python/bootstrap.py', 'dist/runtime/python/bootstrap.py');

// esbuild cannot be bundled (it drives a native binary), and the .vsix carries no node_modules: ship esbuild
// and this platform's binary beside the bundles, where require('esbuild') from dist/ finds them.
const require = createRequire(import.meta.url);
const esbuildDir = path.dirname(require.resolve('esbuild/package.json'));
const platformPackage = `@esbuild/${process.platform}-${process.arch}`;
const platformDir = path.dirname(require.resolve(`${platformPackage}/package.json`, { paths: [esbuildDir] }));
fs.rmSync('dist/node_modules', { recursive: true, force: true });
const runtimeFiles = { recursive: true, dereference: true, filter: (file) => !file.endsWith('.d.ts') };
fs.cpSync(esbuildDir, 'dist/node_modules/esbuild', runtimeFiles);
fs.cpSync(platformDir, `dist/node_modules/${platformPackage}`, runtimeFiles);
