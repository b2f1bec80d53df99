import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { cacheDir } from './paths';

/** One file of a folder as the cache sees it. */
interface CachedFile {
  /** '/'-separated path relative to its folder. */
  relativePath: string;
  source: string;
  /** sha256 of the content, or 'link:<target>' for a symbolic link. */
  digest: string;
  executable: boolean;
}

export interface StoredContent {
  /** cacheDir()/content/<hash>: never changes once written. */
  dir: string;
  hash: string;
  fileCount: number;
  /** False when the same content was already in the cache (nothing was copied). */
  copied: boolean;
  durationMs: number;
}

export interface StoreOptions {
  /** Keeps only the files whose relative path it accepts. */
  filter?: (relativePath: string) => boolean;
  signal?: AbortSignal;
}

/** File digests by path, reused while size, mtime and inode are unchanged: a rehash reads only what changed. */
const digestCache = new Map<string, { size: number; mtimeMs: number; ino: number; digest: string }>();

/**
 * Copies a folder into the content-addressed cache (cacheDir()/content/<hash of its files>) once: the
 * same content is never copied again. Writes go to a temporary folder that is renamed into place, so a
 * reader never sees a half-written folder.
 */
export async function storeFolder(dir: string, options: StoreOptions = {}): Promise<StoredContent> {
  return storeFiles(await listFiles(dir, options), options.signal);
}

/** Merges folders in order (a later folder's file wins over an earlier one's) into one cached folder. */
export async function storeMerged(dirs: readonly string[], options: StoreOptions = {}): Promise<StoredContent> {
  const merged = new Map<string, CachedFile>();
  for (const dir of dirs) {
    for (const file of await listFiles(dir, options)) merged.set(file.relativePath, file);
  }
  return storeFiles([...merged.values()], options.signal);
}

async function storeFiles(files: CachedFile[], signal?: AbortSignal): Promise<StoredContent> {
  const started = performance.now();
  const hash = contentHash(files);
  const root = path.join(cacheDir(), 'content');
  const target = path.join(root, hash);
  const done = (copied: boolean): StoredContent => ({ dir: target, hash, fileCount: files.length, copied, durationMs: performance.now() - started });
  if (await exists(target)) return done(false);

  const temp = path.join(root, `.tmp-${hash}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fs.mkdir(temp, { recursive: true });
    const made = new Set<string>();
    for (const file of files) {
      signal?.throwIfAborted();
      const destination = path.join(temp, file.relativePath);
      const parent = path.dirname(destination);
      if (!made.has(parent)) {
        await fs.mkdir(parent, { recursive: true });
        made.add(parent);
      }
      if (file.digest.startsWith('link:')) await fs.symlink(file.digest.slice(5), destination);
      else {
        // A copy, never a hard link: an editor that saves in place must not change cached content.
        await fs.copyFile(file.source, destination, fs.constants.COPYFILE_FICLONE);
        await fs.chmod(destination, file.executable ? 0o755 : 0o644);
      }
    }
    // The mounted folder must be readable by the function's user, whatever this process's umask.
    await fs.chmod(temp, 0o755);
    await fs.rename(temp, target);
    return done(true);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    // Another process stored the same content first: theirs is identical.
    if (await exists(target)) return done(false);
    throw error;
  }
}

/** Hashes a folder's files without copying them (what storeFolder would name it). */
export async function hashFolder(dir: string, options: StoreOptions = {}): Promise<string> {
  return contentHash(await listFiles(dir, options));
}

/** The name of a set of files in the cache: paths, contents and executable bits, in path order. Sorts files. */
function contentHash(files: CachedFile[]): string {
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  const hasher = createHash('sha256');
  for (const file of files) hasher.update(`${file.relativePath}\0${file.digest}\0${file.executable ? 'x' : '-'}\n`);
  return hasher.digest('hex').slice(0, 32);
}

async function listFiles(root: string, options: StoreOptions): Promise<CachedFile[]> {
  const files: CachedFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    options.signal?.throwIfAborted();
    const entries = await fs.readdir(dir, { withFileTypes: true });
    await Promise.all(entries.map(async (entry) => {
      const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
      const source = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // A folder is walked unless a pattern excludes everything in it (docs/**, .git/**).
        if (options.filter && !options.filter(`${relativePath}/\0`)) return;
        await walk(source, relativePath);
        return;
      }
      if (options.filter && !options.filter(relativePath)) return;
      if (entry.isSymbolicLink()) {
        files.push({ relativePath, source, digest: `link:${await fs.readlink(source)}`, executable: false });
      } else if (entry.isFile()) {
        const stat = await fs.stat(source);
        files.push({ relativePath, source, digest: await digestOf(source, stat), executable: (stat.mode & 0o111) !== 0 });
      }
    }));
  };
  await walk(root, '');
  return files;
}

async function digestOf(file: string, stat: { size: number; mtimeMs: number; ino: number }): Promise<string> {
  const known = digestCache.get(file);
  if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.ino === stat.ino) return known.digest;
  const digest = createHash('sha256').update(await fs.readFile(file)).digest('hex');
  digestCache.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, digest });
  return digest;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
