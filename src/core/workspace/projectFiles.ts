import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export type ProjectFileKind = 'sam' | 'serverless' | 'lambda-dock';

export const PROJECT_FILE_NAMES: Record<string, ProjectFileKind> = {
  'template.yaml': 'sam',
  'template.yml': 'sam',
  'serverless.yml': 'serverless',
  'serverless.yaml': 'serverless',
  'lambda-dock.json': 'lambda-dock',
};

/** Folders never searched: build output, dependencies, and every dot-folder (.git, .aws-sam, .lambda-dock). */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'cdk.out']);
const MAX_DEPTH = 8;

export interface ProjectFile {
  file: string;
  kind: ProjectFileKind;
}

export function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || SKIPPED_FOLDERS.has(name);
}

export function projectFileKind(file: string): ProjectFileKind | undefined {
  return PROJECT_FILE_NAMES[path.basename(file)];
}

/** Every project file under `workspaceDir`, the shallowest first, then by path. */
export async function findProjectFiles(workspaceDir: string, signal?: AbortSignal): Promise<ProjectFile[]> {
  const found: ProjectFile[] = [];
  let level = [path.resolve(workspaceDir)];
  for (let depth = 0; depth <= MAX_DEPTH && level.length; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      signal?.throwIfAborted();
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!isSkippedFolder(entry.name)) next.push(full);
        } else if (entry.isFile() && PROJECT_FILE_NAMES[entry.name]) {
          found.push({ file: full, kind: PROJECT_FILE_NAMES[entry.name] });
        }
      }
    }
    level = next;
  }
  return found;
}
