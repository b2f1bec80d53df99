import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../paths';

/** Files a package manager writes last, when an install is complete (npm, pnpm, yarn 1, yarn berry). */
const INSTALL_DONE = new Set(['.package-lock.json', '.modules.yaml', '.yarn-integrity', '.yarn-state.yml']);

export interface WorkspaceWatcherOptions {
  /** Quiet time after the last event before a batch is reported: an editor's save is several events. */
  debounceMs: number;
  /**
   * Quiet time while a package manager writes node_modules and has not written its last file yet: an
   * install is thousands of events over seconds and is reported once.
   */
  installQuietMs?: number;
}

/**
 * Watches a workspace for changed files, however they changed (an editor's save, git checkout, a
 * formatter, npm install), and reports them in batches ('changes', absolute paths; 'error').
 *
 * One fs.watch per folder, added as folders appear. node_modules is watched only to its packages (and
 * scopes): a change inside a package is reported as the package's folder, and an install as the packages
 * it touched, once, when its last file is written or after `installQuietMs` of quiet. Dot-folders
 * (.git, .aws-sam, .lambda-dock), node_modules/.cache and the cache folder are not watched.
 */
export class WorkspaceWatcher extends EventEmitter {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private installing = false;
  private readonly root: string;
  private readonly cache: string;
  private disposed = false;

  constructor(root: string, private readonly options: WorkspaceWatcherOptions) {
    super();
    this.root = path.resolve(root);
    this.cache = cacheDir();
  }

  async start(): Promise<void> {
    await this.watchTree(this.root);
  }

  /** The folders watched now (for tests and diagnostics). */
  get watchedFolders(): number {
    return this.watchers.size;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.removeAllListeners();
  }

  private async watchTree(dir: string): Promise<void> {
    if (this.disposed || this.watchers.has(dir) || !this.watchable(dir)) return;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, (_event, name) => {
        if (name) this.onEvent(dir, name.toString());
      });
    } catch {
      return; // Gone already, or not a folder.
    }
    watcher.on('error', () => this.unwatch(dir));
    this.watchers.set(dir, watcher);
    const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
    await Promise.all(entries.filter((entry) => entry.isDirectory()).map((entry) => this.watchTree(path.join(dir, entry.name))));
  }

  private unwatch(dir: string): void {
    for (const [folder, watcher] of this.watchers) {
      if (folder === dir || folder.startsWith(dir + path.sep)) {
        watcher.close();
        this.watchers.delete(folder);
      }
    }
  }

  /** Folders worth a watch: not dot-folders or the cache, and in node_modules only down to its packages. */
  private watchable(dir: string): boolean {
    if (dir === this.cache || dir.startsWith(this.cache + path.sep)) return false;
    const parts = path.relative(this.root, dir).split(path.sep).filter(Boolean);
    const modules = parts.indexOf('node_modules');
    const own = modules < 0 ? parts : parts.slice(0, modules);
    if (own.some((part) => part.startsWith('.'))) return false;
    if (modules < 0) return true;
    const inside = parts.slice(modules + 1);
    // node_modules itself, and a scope folder (@aws-sdk) within it.
    return inside.length === 0 || (inside.length === 1 && inside[0].startsWith('@'));
  }

  private onEvent(dir: string, name: string): void {
    const file = path.join(dir, name);
    const reported = this.reportedPath(file);
    if (reported === undefined) return;
    this.pending.add(reported);
    const inModules = reported.split(path.sep).includes('node_modules');
    if (inModules && INSTALL_DONE.has(name)) this.installing = false;
    else if (inModules) this.installing = true;
    // A folder that appeared (a checkout, a new package) is watched, and whatever is already in it reported.
    void fs.promises.stat(file).then(
      (stat) => {
        if (stat.isDirectory() && this.watchable(file)) void this.watchTree(file);
      },
      () => this.unwatch(file),
    );
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.installing ? (this.options.installQuietMs ?? 1_500) : this.options.debounceMs);
  }

  /** The path a change is reported as: a package's folder for changes inside node_modules; undefined to ignore. */
  private reportedPath(file: string): string | undefined {
    const relative = path.relative(this.root, file);
    const parts = relative.split(path.sep);
    if (/(~|\.swp|\.swx|\.tmp)$/.test(file)) return undefined;
    const modules = parts.indexOf('node_modules');
    const own = modules < 0 ? parts : parts.slice(0, modules);
    if (own.some((part) => part.startsWith('.'))) return undefined;
    if (modules < 0) return file;
    const inside = parts.slice(modules + 1);
    if (inside[0] === '.cache' || inside[0] === '.bin') return undefined;
    const depth = inside[0]?.startsWith('@') ? 2 : 1;
    return path.join(this.root, ...parts.slice(0, modules + 1 + depth));
  }

  private flush(): void {
    this.timer = undefined;
    this.installing = false;
    const files = [...this.pending];
    this.pending.clear();
    if (files.length && !this.disposed) this.emit('changes', files);
  }
}
