import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readSamConfig, SAM_CONFIG_NAMES, type SamConfig } from './samConfig';

export type ProjectFileKind = 'sam' | 'serverless' | 'lambda-dock';

export const PROJECT_FILE_NAMES: Record<string, ProjectFileKind> = {
  'template.yaml': 'sam',
  'template.yml': 'sam',
  'template.json': 'sam',
  'serverless.yml': 'serverless',
  'serverless.yaml': 'serverless',
  'lambda-dock.json': 'lambda-dock',
};

/** Folders never searched: build output, dependencies, and every dot-folder (.git, .aws-sam, .lambda-dock); of cdk.out only its stack templates are read. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'cdk.out']);
const MAX_DEPTH = 8;

export interface ProjectFile {
  file: string;
  kind: ProjectFileKind;
  /** A SAM template's samconfig (beside it, or the one whose template_file names it). */
  samConfig?: SamConfig;
}

export function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || SKIPPED_FOLDERS.has(name);
}

/** The CDK app's output folder: its stack templates are read as CloudFormation templates. */
const CDK_OUT = 'cdk.out';

export function projectFileKind(file: string): ProjectFileKind | undefined {
  const name = path.basename(file);
  if (isCdkTemplate(file)) return 'sam';
  return PROJECT_FILE_NAMES[name];
}

/** A stack template `cdk synth` wrote: cdk.out/STACK.template.json, or one level down in a stage's assembly-NAME/. */
function isCdkTemplate(file: string): boolean {
  if (!file.endsWith('.template.json')) return false;
  const parent = path.dirname(file);
  return path.basename(parent) === CDK_OUT || (path.basename(parent).startsWith('assembly-') && path.basename(path.dirname(parent)) === CDK_OUT);
}

/** The stack templates in a cdk.out folder (the app's own and its stages'), by name. */
async function cdkTemplates(cdkOut: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs.readdir(cdkOut, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(cdkOut, entry.name);
    if (entry.isFile() && isCdkTemplate(full)) found.push(full);
    else if (entry.isDirectory() && entry.name.startsWith('assembly-')) {
      const inner = await fs.readdir(full, { withFileTypes: true }).catch(() => []);
      for (const file of inner.sort((a, b) => a.name.localeCompare(b.name))) {
        if (file.isFile() && isCdkTemplate(path.join(full, file.name))) found.push(path.join(full, file.name));
      }
    }
  }
  return found;
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then((stat) => stat.isFile(), () => false);
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
      const samConfig = entries.some((entry) => SAM_CONFIG_NAMES.includes(entry.name)) ? readSamConfig(dir) : undefined;
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name === CDK_OUT) for (const file of await cdkTemplates(full)) found.push({ file, kind: 'sam' });
          else if (!isSkippedFolder(entry.name)) next.push(full);
        } else if (entry.isFile() && PROJECT_FILE_NAMES[entry.name]) {
          const kind = PROJECT_FILE_NAMES[entry.name];
          found.push({ file: full, kind, ...(kind === 'sam' && samConfig ? { samConfig } : {}) });
        }
      }
      // As sam does: the template samconfig's template_file names, under any name.
      const named = samConfig?.templateFile;
      if (named && samConfig && !path.relative(workspaceDir, named).split(path.sep).some((part) => part === '..' || isSkippedFolder(part)) && (await isFile(named))) {
        const existing = found.find((project) => project.file === named);
        if (existing) existing.samConfig = samConfig;
        else found.push({ file: named, kind: 'sam', samConfig });
      }
    }
    level = next;
  }
  return found;
}
