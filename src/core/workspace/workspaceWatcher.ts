import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../paths';
import { isSkippedFolder } from './projectFiles';

/**
 * Watches a workspace for saves and reports the changed files in batches: a batch closes after
 * `debounceMs` without events (an editor's save is several events: write, rename, chmod). Emits
 * 'changes' (absolute paths) and 'error'.
 */
export class WorkspaceWatcher extends EventEmitter {
  private watcher: fs.FSWatcher | undefined;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly root: string;
  private readonly cache: string;

  constructor(root: string, private readonly options: { debounceMs: number }) {
    super();
    this.root = path.resolve(root);
    this.cache = cacheDir();
  }

  async start(): Promise<void> {
    // Recursive fs.watch (Linux: Node 20 walks the tree once and adds a watch per folder).
    this.watcher = fs.watch(this.root, { recursive: true }, (_event, name) => {
      if (name) this.onEvent(path.join(this.root, name.toString()));
    });
    this.watcher.on('error', (error) => this.emit('error', error));
    await new Promise((resolve) => setImmediate(resolve));
  }

  private onEvent(file: string): void {
    if (this.ignored(file)) return;
    this.pending.add(file);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.options.debounceMs);
  }

  private flush(): void {
    this.timer = undefined;
    const files = [...this.pending];
    this.pending.clear();
    if (files.length) this.emit('changes', files);
  }

  private ignored(file: string): boolean {
    if (file.startsWith(this.cache + path.sep)) return true;
    const relative = path.relative(this.root, file);
    // node_modules matters (a plain function's dependencies); dot-folders (.git, .aws-sam) and editors' swap files do not.
    return relative.split(path.sep).some((part) => part.startsWith('.') && isSkippedFolder(part)) || /(~|\.swp|\.swx|\.tmp)$/.test(file);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    this.removeAllListeners();
  }
}
