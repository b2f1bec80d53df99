import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zipEntries, type ZipEntry } from '../../support/zip';

// `npm run package` as a release runs it: one .vsix per target, each with that target's esbuild binary
// (from the npm registry, for the targets that are not this machine).
const root = path.resolve(__dirname, '..', '..', '..');
const esbuildVersion = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8')) as { version: string }).version;
const ourVersion = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

type Format = { kind: 'elf' | 'mach-o' | 'pe'; machine: string };
const TARGETS: Record<string, { binary: string; format: Format }> = {
  'linux-x64': { binary: 'bin/esbuild', format: { kind: 'elf', machine: 'x86-64' } },
  'linux-arm64': { binary: 'bin/esbuild', format: { kind: 'elf', machine: 'arm64' } },
  'darwin-x64': { binary: 'bin/esbuild', format: { kind: 'mach-o', machine: 'x86-64' } },
  'darwin-arm64': { binary: 'bin/esbuild', format: { kind: 'mach-o', machine: 'arm64' } },
  'win32-x64': { binary: 'esbuild.exe', format: { kind: 'pe', machine: 'x86-64' } },
};

/** What kind of executable the bytes are, and for which processor, from the file's own header. */
function executableFormat(bytes: Buffer): Format | undefined {
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    const machine = bytes.readUInt16LE(18);
    return { kind: 'elf', machine: machine === 0x3e ? 'x86-64' : machine === 0xb7 ? 'arm64' : `elf machine ${machine}` };
  }
  if (bytes.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = bytes.readUInt32LE(4);
    return { kind: 'mach-o', machine: cpu === 0x01000007 ? 'x86-64' : cpu === 0x0100000c ? 'arm64' : `mach-o cpu ${cpu}` };
  }
  if (bytes.toString('latin1', 0, 2) === 'MZ') {
    const header = bytes.readUInt32LE(0x3c);
    if (bytes.toString('latin1', header, header + 4) !== 'PE\0\0') return undefined;
    const machine = bytes.readUInt16LE(header + 4);
    return { kind: 'pe', machine: machine === 0x8664 ? 'x86-64' : machine === 0xaa64 ? 'arm64' : `pe machine ${machine}` };
  }
  return undefined;
}

describe('npm run package: one .vsix per target platform', function () {
  this.timeout(600_000);
  let dir: string;
  const packages = new Map<string, ZipEntry[]>();

  before(() => {
    if (!fs.existsSync(path.join(root, 'dist', 'node_modules', 'esbuild', 'package.json'))) {
      throw new Error('dist/ is not built: run npm run build first');
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-targets-'));
    execFileSync(process.execPath, ['scripts/package.mjs', '--out-dir', dir], { cwd: root, stdio: 'pipe' });
    for (const target of Object.keys(TARGETS)) {
      const file = path.join(dir, `lambda-dock-${target}-${ourVersion}.vsix`);
      assert.ok(fs.existsSync(file), `${path.basename(file)} was packed (${fs.readdirSync(dir).join(', ')})`);
      packages.set(target, zipEntries(fs.readFileSync(file)));
    }
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [target, { binary, format }] of Object.entries(TARGETS)) {
    it(`${target}: declares its target and holds its own esbuild binary, and no other platform's`, () => {
      const entries = packages.get(target)!;
      const manifest = entries.find((entry) => entry.name === 'extension.vsixmanifest')!.read().toString('utf8');
      assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));

      const platformDirs = new Set(entries.map((entry) => /^extension\/dist\/node_modules\/@esbuild\/([^/]+)\//.exec(entry.name)?.[1]).filter(Boolean));
      assert.deepEqual([...platformDirs], [target]);

      const prefix = `extension/dist/node_modules/@esbuild/${target}`;
      const packageJson = JSON.parse(entries.find((entry) => entry.name === `${prefix}/package.json`)!.read().toString('utf8')) as { name: string; version: string };
      assert.deepEqual([packageJson.name, packageJson.version], [`@esbuild/${target}`, esbuildVersion], 'the binary is of the esbuild version the JavaScript half expects');

      const executable = entries.find((entry) => entry.name === `${prefix}/${binary}`);
      assert.ok(executable, `${prefix}/${binary}, where esbuild looks on ${target}, is in the package`);
      assert.deepEqual(executableFormat(executable.read()), format);
      if (format.kind !== 'pe') assert.equal(executable.mode, 0o755, 'the binary stays executable when VS Code unpacks it');
      assert.ok(entries.some((entry) => entry.name === 'extension/dist/node_modules/esbuild/lib/main.js'));
    });

    it(`${target}: holds the bundles and nothing from src/, test/ or node_modules/`, () => {
      const names = packages.get(target)!.map((entry) => entry.name);
      for (const bundle of ['dist/extension.js', 'dist/cli.js', 'dist/runtime/bootstrap.js', 'dist/runtime/relay.js', 'dist/runtime/debugger.js', 'package.json']) {
        assert.ok(names.includes(`extension/${bundle}`), `extension/${bundle} is in the package`);
      }
      const unwanted = names.filter((name) => /^extension\/(src|test|node_modules|out|scripts|\.cache)\//.test(name) || /\.(map|ts)$/.test(name));
      assert.deepEqual(unwanted, []);
    });
  }

  it('this machine\'s package runs esbuild from where the bundles load it', async () => {
    const host = `${process.platform}-${process.arch}`;
    const entries = packages.get(host);
    assert.ok(entries, `${host} is one of the targets`);
    const unpacked = fs.mkdtempSync(path.join(dir, 'unpacked-'));
    for (const entry of entries.filter((e) => e.name.startsWith('extension/dist/node_modules/'))) {
      const file = path.join(unpacked, entry.name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, entry.read(), { mode: entry.mode ?? 0o644 });
    }
    // A child process, so this test's own esbuild (from node_modules) cannot answer in its place.
    const esbuildDir = path.join(unpacked, 'extension', 'dist', 'node_modules', 'esbuild');
    const script = `const esbuild = require(${JSON.stringify(esbuildDir)}); process.stdout.write(esbuild.transformSync('let x: number = 1', { loader: 'ts' }).code)`;
    const output = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ESBUILD_BINARY_PATH: '' } });
    assert.equal(output, 'let x = 1;\n');
  });
});
