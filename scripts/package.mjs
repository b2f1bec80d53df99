// Packs one .vsix per target platform (`vsce package --target T`), each with esbuild's JavaScript and that
// target's native binary in dist/node_modules, where require('esbuild') from the bundles finds it.
//
//   node scripts/package.mjs                          every target, into out/package/
//   node scripts/package.mjs --target linux-x64 ...   only these targets (`--target host`: this machine's)
//   node scripts/package.mjs --out-dir DIR            where the .vsix files go
//   node scripts/package.mjs --target host --out F    one target, into the file F
//
// It packs what dist/ holds (`npm run build` makes it). A binary of another platform comes from the npm
// registry, as the package `@esbuild/<target>` at the version of the installed esbuild, kept in .cache/esbuild/
// and checked against the integrity package-lock.json records (and, when downloaded, the registry's).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import tar from 'tar-fs';

/** The targets VS Code's marketplace knows that we ship, and where esbuild looks for its binary on each. */
const TARGETS = {
  'linux-x64': 'bin/esbuild',
  'linux-arm64': 'bin/esbuild',
  'darwin-x64': 'bin/esbuild',
  'darwin-arm64': 'bin/esbuild',
  'win32-x64': 'esbuild.exe',
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function parseArgs(argv) {
  const options = { targets: [], outDir: path.join(root, 'out', 'package'), outFile: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--target') options.targets.push(value());
    else if (flag === '--out-dir') options.outDir = path.resolve(value());
    else if (flag === '--out') options.outFile = path.resolve(value());
    else throw new Error(`unknown argument ${argv[i]}: use --target T, --out-dir DIR or --out FILE`);
  }
  options.targets = options.targets.map((target) => (target === 'host' ? `${process.platform}-${process.arch}` : target));
  if (options.targets.length === 0) options.targets = Object.keys(TARGETS);
  const unknown = options.targets.filter((target) => !(target in TARGETS));
  if (unknown.length > 0) throw new Error(`no such target ${unknown.join(', ')}: choose from ${Object.keys(TARGETS).join(', ')}`);
  if (options.outFile && options.targets.length !== 1) throw new Error('--out names one file: give exactly one --target');
  return options;
}

function lockedIntegrity(packageName, version) {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const entry = lock.packages?.[`node_modules/${packageName}`];
  if (!entry || entry.version !== version || !entry.integrity) {
    throw new Error(`package-lock.json records no integrity for ${packageName}@${version}: run npm install to update it`);
  }
  return entry.integrity;
}

function integrityOf(file) {
  return `sha512-${createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
}

/** The target's package as npm published it, from the cache or the registry, checked before it is used. */
function platformTarball(packageName, version) {
  const expected = lockedIntegrity(packageName, version);
  const cacheDir = path.join(root, '.cache', 'esbuild');
  const file = path.join(cacheDir, `${packageName.replace('@', '').replace('/', '-')}-${version}.tgz`);
  if (fs.existsSync(file) && integrityOf(file) === expected) return file;
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.rmSync(file, { force: true });
  const spec = `${packageName}@${version}`;
  const registry = execFileSync(npm, ['view', spec, 'dist.integrity'], { cwd: root, encoding: 'utf8' }).trim();
  if (registry !== expected) throw new Error(`the registry's integrity of ${spec} (${registry}) is not the one package-lock.json records (${expected})`);
  const packed = JSON.parse(execFileSync(npm, ['pack', spec, '--json', '--pack-destination', cacheDir], { cwd: root, encoding: 'utf8' }));
  const downloaded = path.join(cacheDir, packed[0].filename);
  if (downloaded !== file) fs.renameSync(downloaded, file);
  const actual = integrityOf(file);
  if (actual !== expected) {
    fs.rmSync(file, { force: true });
    throw new Error(`${spec} as downloaded has integrity ${actual}, not the registry's ${expected}`);
  }
  return file;
}

async function extractPackage(tarball, destination) {
  fs.mkdirSync(destination, { recursive: true });
  // npm's tarballs hold the package under package/; the file modes they record keep the binary executable.
  const strip = (header) => ({ ...header, name: header.name.replace(/^package\//, '') });
  await pipeline(fs.createReadStream(tarball), createGunzip(), tar.extract(destination, { map: strip }));
}

/** Copies the package's own files (what .vscodeignore may let in) without any platform's esbuild binary. */
function stagePackageFiles(stage) {
  for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore']) {
    if (fs.existsSync(path.join(root, file))) fs.copyFileSync(path.join(root, file), path.join(stage, file));
  }
  fs.cpSync(path.join(root, 'media'), path.join(stage, 'media'), { recursive: true });
  const platformPackages = path.join(root, 'dist', 'node_modules', '@esbuild');
  fs.cpSync(path.join(root, 'dist'), path.join(stage, 'dist'), {
    recursive: true,
    filter: (source) => source !== platformPackages && !source.endsWith('.map'),
  });
}

async function stagePlatformBinary(stage, target, version) {
  const packageName = `@esbuild/${target}`;
  const destination = path.join(stage, 'dist', 'node_modules', '@esbuild', target);
  const esbuildDir = path.dirname(require.resolve('esbuild/package.json', { paths: [root] }));
  let installed;
  try {
    installed = path.dirname(require.resolve(`${packageName}/package.json`, { paths: [esbuildDir] }));
  } catch {
    installed = undefined;
  }
  // This machine's package is installed already (npm checked it against the lock file); others are fetched.
  if (installed && JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).version === version) {
    fs.cpSync(installed, destination, { recursive: true, dereference: true, filter: (file) => !file.endsWith('.d.ts') });
  } else {
    await extractPackage(platformTarball(packageName, version), destination);
  }
  if (!fs.existsSync(path.join(destination, TARGETS[target]))) {
    throw new Error(`${packageName}@${version} has no ${TARGETS[target]}, where esbuild looks for its binary`);
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  for (const bundle of ['dist/extension.js', 'dist/cli.js', 'dist/node_modules/esbuild/package.json']) {
    if (!fs.existsSync(path.join(root, bundle))) throw new Error(`${bundle} is missing: run npm run build first`);
  }
  const version = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  const { version: ourVersion } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json', { paths: [root] })), 'vsce');
  fs.mkdirSync(options.outDir, { recursive: true });
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  for (const target of options.targets) {
    const stage = fs.mkdtempSync(path.join(root, 'out', `package-${target}-`));
    try {
      stagePackageFiles(stage);
      await stagePlatformBinary(stage, target, version);
      const out = options.outFile ?? path.join(options.outDir, `lambda-dock-${target}-${ourVersion}.vsix`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      // vsce lists every file it packs; the line naming the .vsix is enough here.
      const report = execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--target', target, '--out', out], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      console.log(report.split('\n').filter((line) => /DONE|WARNING/.test(line)).join('\n'));
    } finally {
      fs.rmSync(stage, { recursive: true, force: true });
    }
  }
}

main().catch((error) => {
  console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
