import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { WORKSPACE_ERROR_CODES, workspaceError } from './workspace/errors';
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
  /** Folders outside the stored one whose files came in through symbolic links. */
  linkedFolders?: string[];
  /** Links left out (dangling, or leading back into a folder being stored). */
  linkNotes?: LinkNote[];
}

export interface StoreOptions {
  /** Keeps only the files whose relative path it accepts. */
  filter?: (relativePath: string) => boolean;
  /**
   * The folder is a Node.js package: the dependencies its package.json lists that Node finds only above it
   * (a workspace's hoisted node_modules) are stored at its node_modules too, with what they need.
   */
  hoistedDependencies?: boolean;
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
  const listing = await listFiles(dir, options);
  return { ...(await storeFiles(listing.files, options.signal)), linkedFolders: listing.linkedFolders, linkNotes: listing.notes };
}

/** One folder of a merge: its files go under `prefix` ('nodejs' puts them at nodejs/...), filtered by its own filter. */
export interface MergeSource {
  dir: string;
  prefix?: string;
  filter?: (relativePath: string) => boolean;
  hoistedDependencies?: boolean;
}

/** Merges folders in order (a later folder's file wins over an earlier one's) into one cached folder. */
export async function storeMerged(dirs: ReadonlyArray<string | MergeSource>, options: StoreOptions = {}): Promise<StoredContent> {
  const merged = new Map<string, CachedFile>();
  const linkedFolders: string[] = [];
  const linkNotes: LinkNote[] = [];
  for (const entry of dirs) {
    const source = typeof entry === 'string' ? { dir: entry } : entry;
    const filter = source.filter ?? options.filter;
    const listing = await listFiles(source.dir, { ...options, ...(filter ? { filter } : {}), ...(source.hoistedDependencies ? { hoistedDependencies: true } : {}) });
    for (const file of listing.files) {
      const relativePath = source.prefix ? `${source.prefix}/${file.relativePath}` : file.relativePath;
      merged.set(relativePath, { ...file, relativePath });
    }
    linkedFolders.push(...listing.linkedFolders);
    linkNotes.push(...listing.notes.map((note) => (source.prefix ? { ...note, relativePath: `${source.prefix}/${note.relativePath}` } : note)));
  }
  return { ...(await storeFiles([...merged.values()], options.signal)), linkedFolders, linkNotes };
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
  return contentHash((await listFiles(dir, options)).files);
}

/** The name of a set of files in the cache: paths, contents and executable bits, in path order. Sorts files. */
function contentHash(files: CachedFile[]): string {
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  const hasher = createHash('sha256');
  for (const file of files) hasher.update(`${file.relativePath}\0${file.digest}\0${file.executable ? 'x' : '-'}\n`);
  return hasher.digest('hex').slice(0, 32);
}

/** What following a folder's symbolic links met besides files: kept as notes, never a failure. */
export interface LinkNote {
  /** '/'-separated path of the link in the stored folder. */
  relativePath: string;
  target: string;
  /** 'dangling': nothing there; 'loop': it leads back into a folder being stored. */
  reason: 'dangling' | 'loop';
}

/** Lambda's limit for a function's code unzipped; content reached through links past it is refused. */
const MAX_LINKED_BYTES = 262_144_000;

interface Listing {
  files: CachedFile[];
  /** Folders outside the root whose content came in through links (their changes change the content). */
  linkedFolders: string[];
  notes: LinkNote[];
}

/**
 * Lists a folder's files as they will be stored. Symbolic links are resolved as the function will need
 * them where the folder is mounted: a link to a place inside the folder stays a (relative) link; a link
 * to a file or folder outside it (npm file: dependencies, workspace packages, pnpm's store) is replaced by
 * a copy of its target, and the dependencies such a linked package resolves from its real place (pnpm's
 * sibling layout) are added to the top node_modules when the stored tree would not find them. Dangling
 * links and links back into a folder being walked are left out and noted.
 */
async function listFiles(root: string, options: StoreOptions): Promise<Listing> {
  const listing: Listing = { files: [], linkedFolders: [], notes: [] };
  const rootReal = await fs.realpath(root);
  const linkedPackages: Array<{ relativePath: string; real: string }> = [];
  let linkedBytes = 0;

  const walk = async (dir: string, prefix: string, chain: readonly string[], viaLink: string | undefined): Promise<void> => {
    options.signal?.throwIfAborted();
    const entries = await fs.readdir(dir, { withFileTypes: true });
    await Promise.all(entries.map(async (entry) => {
      const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
      const source = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // A folder is walked unless a pattern excludes everything in it (docs/**, .git/**).
        if (options.filter && !options.filter(`${relativePath}/\0`)) return;
        await walk(source, relativePath, [...chain, path.join(chain.at(-1) ?? rootReal, entry.name)], viaLink);
        return;
      }
      if (options.filter && !options.filter(relativePath)) return;
      if (entry.isSymbolicLink()) {
        await link(source, relativePath, chain, viaLink);
      } else if (entry.isFile()) {
        const stat = await fs.stat(source);
        if (viaLink !== undefined) linkedBytes += stat.size;
        listing.files.push({ relativePath, source, digest: await digestOf(source, stat), executable: (stat.mode & 0o111) !== 0 });
      }
    }));
    if (linkedBytes > MAX_LINKED_BYTES) {
      throw workspaceError(WORKSPACE_ERROR_CODES.contentTooLarge, `following the link ${viaLink ?? prefix} in ${root} reaches more than ${MAX_LINKED_BYTES / 1_048_576} MB, over what Lambda takes for a function's code: point the link at the package itself, not a folder above it`);
    }
  };

  const link = async (source: string, relativePath: string, chain: readonly string[], viaLink: string | undefined): Promise<void> => {
    const target = await fs.readlink(source);
    const real = await fs.realpath(source).catch(() => undefined);
    if (real === undefined) {
      listing.notes.push({ relativePath, target, reason: 'dangling' });
      return;
    }
    if (isInside(rootReal, real)) {
      // It resolves inside the mounted folder too, as a relative link (an absolute one would point at the host's path).
      const from = path.posix.dirname(`/${relativePath}`);
      const to = `/${path.relative(rootReal, real).split(path.sep).join('/')}`;
      listing.files.push({ relativePath, source, digest: `link:${path.posix.relative(from, to) || '.'}`, executable: false });
      return;
    }
    const stat = await fs.stat(real);
    if (stat.isFile()) {
      linkedBytes += stat.size;
      listing.files.push({ relativePath, source: real, digest: await digestOf(real, stat), executable: (stat.mode & 0o111) !== 0 });
      return;
    }
    if (!stat.isDirectory()) return;
    if (chain.some((folder) => isInside(real, folder))) {
      listing.notes.push({ relativePath, target, reason: 'loop' });
      return;
    }
    listing.linkedFolders.push(real);
    if (/(^|\/)node_modules\/(@[^/]+\/)?[^/]+$/.test(relativePath)) linkedPackages.push({ relativePath, real });
    await walk(real, relativePath, [...chain, real], viaLink ?? relativePath);
  };

  await walk(root, '', [rootReal], undefined);
  // The package itself first: Node finds a workspace's hoisted dependencies above it, the instance would not.
  if (options.hoistedDependencies) linkedPackages.unshift({ relativePath: '', real: rootReal });
  await addLinkedPackagesDependencies(listing, linkedPackages, async (real, relativePath) => {
    listing.linkedFolders.push(real);
    await walk(real, relativePath, [rootReal, real], relativePath);
  });
  return listing;
}

/**
 * A package reached through a link finds its own dependencies from its real place (pnpm puts them beside
 * it, a workspace hoists them to its root). Where the stored tree would not find one by Node's lookup from
 * the package's place, the dependency's folder is added at the top node_modules (first version wins).
 */
async function addLinkedPackagesDependencies(
  listing: Listing,
  queue: Array<{ relativePath: string; real: string }>,
  add: (real: string, relativePath: string) => Promise<void>,
): Promise<void> {
  const present = new Set<string>();
  const notePresent = (relativePath: string) => {
    const match = /^(.*?node_modules\/(?:@[^/]+\/)?[^/]+)(\/|$)/.exec(relativePath);
    if (match) present.add(match[1]);
  };
  for (const file of listing.files) notePresent(file.relativePath);
  const seen = new Set(queue.map((entry) => entry.real));
  while (queue.length) {
    const { relativePath, real } = queue.shift()!;
    for (const dependency of await dependencyNames(real)) {
      if (resolvesInTree(present, relativePath, dependency)) continue;
      const found = await resolveFrom(real, dependency);
      if (!found || seen.has(found)) continue;
      seen.add(found);
      const placed = `node_modules/${dependency}`;
      const before = listing.files.length;
      await add(found, placed);
      for (const file of listing.files.slice(before)) notePresent(file.relativePath);
      present.add(placed);
      queue.push({ relativePath: placed, real: found });
    }
  }
}

/** The names a package.json needs at run time: dependencies, optional and peer dependencies. */
async function dependencyNames(packageDir: string): Promise<string[]> {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const names = new Set<string>();
    for (const key of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      const map = manifest[key];
      if (map && typeof map === 'object') for (const name of Object.keys(map)) names.add(name);
    }
    return [...names];
  } catch {
    return [];
  }
}

/** Whether Node, resolving `name` from the package at `packagePath` in the stored tree, finds it. */
function resolvesInTree(present: ReadonlySet<string>, packagePath: string, name: string): boolean {
  let dir = packagePath;
  for (;;) {
    if (present.has(dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`)) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf('/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

/** Node's lookup of a package folder from `dir` upwards, as its real path; undefined when none. */
async function resolveFrom(dir: string, name: string): Promise<string | undefined> {
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, 'node_modules', name);
    const real = await fs.realpath(candidate).catch(() => undefined);
    if (real && (await fs.stat(path.join(real, 'package.json')).catch(() => undefined))) return real;
    if (path.dirname(current) === current) return undefined;
  }
}

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
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
