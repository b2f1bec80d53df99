import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from '../paths';

/**
 * A standby's /var/task and /opt: empty folders bind-mounted when it is created, filled at its assignment
 * with hard links to the function's folders in the content cache (the same file system: cacheDir()), so a
 * function of any size appears in the running container without copying its bytes. The cache's files are
 * immutable and the mounts read-only, so sharing their inodes shares nothing writable.
 */
export interface StandbyFolders {
  root: string;
  task: string;
  opt: string;
}

export function standbyFolders(sessionId: string, instanceId: string): StandbyFolders {
  const root = path.join(cacheDir(), 'standby', sessionId, instanceId);
  return { root, task: path.join(root, 'task'), opt: path.join(root, 'opt') };
}

export function makeStandbyFolders(folders: StandbyFolders): void {
  fs.mkdirSync(folders.task, { recursive: true, mode: 0o755 });
  fs.mkdirSync(folders.opt, { mode: 0o755 });
}

export function removeStandbyFolders(folders: Pick<StandbyFolders, 'root'>): void {
  fs.rmSync(folders.root, { recursive: true, force: true });
  try {
    fs.rmdirSync(path.dirname(folders.root));
  } catch {
    // the session's other standbys are still there
  }
}

/** Fills `target` (an empty folder) with `source`'s tree: hard links, links as links, a copy where a link cannot be made. */
export async function linkTree(source: string, target: string): Promise<void> {
  const entries = await fs.promises.readdir(source, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const from = path.join(source, entry.name);
      const to = path.join(target, entry.name);
      if (entry.isDirectory()) {
        await fs.promises.mkdir(to);
        await linkTree(from, to);
      } else if (entry.isSymbolicLink()) {
        await fs.promises.symlink(await fs.promises.readlink(from), to);
      } else {
        await fs.promises.link(from, to).catch(async (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EXDEV' && error.code !== 'EPERM' && error.code !== 'EMLINK') throw error;
          await fs.promises.copyFile(from, to);
        });
      }
    }),
  );
}
