import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/workspaces');

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/** The 1-based line of the first line of `file` that contains `text`. */
export function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${text} is not in ${file}`);
  return index + 1;
}

/** Writes files (relative names, folders made as needed) into dir. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

/** A temporary folder, removed after the current suite. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `lambda-dock-${prefix}-`));
}

/** A copy of a fixture in a temporary folder, for tests that change files. */
export function copyFixture(name: string): string {
  const dir = path.join(tempDir(name), name);
  fs.cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

/** Points cacheDir() at a fresh folder for the suite, restoring the previous value afterwards. */
export function useTempCache(): { dir: string } {
  const state = { dir: '' };
  let previous: string | undefined;
  before(() => {
    previous = process.env.LAMBDA_DOCK_CACHE_DIR;
    state.dir = tempDir('cache');
    process.env.LAMBDA_DOCK_CACHE_DIR = state.dir;
  });
  after(() => {
    if (previous === undefined) delete process.env.LAMBDA_DOCK_CACHE_DIR;
    else process.env.LAMBDA_DOCK_CACHE_DIR = previous;
    fs.rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}

/** Writes a zip (deflated entries) of `files` to `zipFile`. */
export function writeZip(zipFile: string, files: Record<string, string>): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const compressed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + compressed.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  fs.mkdirSync(path.dirname(zipFile), { recursive: true });
  fs.writeFileSync(zipFile, Buffer.concat([...locals, centralBytes, end]));
}
