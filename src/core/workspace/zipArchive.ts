import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { cacheDir } from '../paths';
import { WORKSPACE_ERROR_CODES, workspaceError } from './errors';

/** One file of a zip archive. */
interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
  mode: number;
}

/**
 * Unzips a code or layer archive into the cache once, keyed by the archive's bytes: the same zip is never
 * extracted twice. Returns the folder.
 */
export function unzipToCache(zipFile: string): string {
  const bytes = fs.readFileSync(zipFile);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const target = path.join(cacheDir(), 'unzipped', hash);
  if (fs.existsSync(target)) return target;
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    extractZip(bytes, temp, zipFile);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    // Another process extracted the same archive first: theirs is identical.
    if (fs.existsSync(target)) return target;
    throw error;
  }
  return target;
}

/** Extracts a zip (stored and deflated entries, as Lambda accepts) into `dir`. */
export function extractZip(bytes: Buffer, dir: string, label = 'archive'): void {
  const bad = (why: string) => workspaceError(WORKSPACE_ERROR_CODES.badArchive, `${label} is not a zip Lambda can use (${why}): rebuild the archive with zip`);
  const entries = readCentralDirectory(bytes, bad);
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of entries) {
    const name = entry.name.replace(/\\/g, '/');
    if (name.startsWith('/') || name.split('/').includes('..')) throw bad(`entry ${name} points outside the archive`);
    const target = path.join(dir, name);
    if (name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    // Symbolic links in archives are skipped: they could point anywhere on the host.
    if ((entry.mode & 0o170000) === 0o120000) continue;
    const local = entry.localHeaderOffset;
    if (bytes.readUInt32LE(local) !== 0x04034b50) throw bad(`bad local header for ${name}`);
    const dataStart = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(dataStart, dataStart + entry.compressedSize);
    let content: Buffer;
    if (entry.method === 0) content = data;
    else if (entry.method === 8) content = inflateRawSync(data);
    else throw bad(`entry ${name} uses compression method ${entry.method}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content, { mode: entry.mode & 0o111 ? 0o755 : 0o644 });
  }
}

function readCentralDirectory(bytes: Buffer, bad: (why: string) => Error): ZipEntry[] {
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) { end = i; break; }
  }
  if (end < 0) throw bad('no end of central directory');
  const count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw bad('zip64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) throw bad('bad central directory');
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    entries.push({
      method: bytes.readUInt16LE(offset + 10),
      compressedSize: bytes.readUInt32LE(offset + 20),
      mode: bytes.readUInt32LE(offset + 38) >>> 16,
      localHeaderOffset: bytes.readUInt32LE(offset + 42),
      name: bytes.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
