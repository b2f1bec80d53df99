/** Set on a debugged instance: JSON of SourceRoot[], most specific first (see debugSources.ts). */
export const DEBUG_SOURCES_ENV = 'LAMBDA_DOCK_DEBUG_SOURCES';

/** A folder as the instance sees it, and the folder on the debugger's machine its files were made from. */
export type SourceRoot = [instancePath: string, hostPath: string];

/** The file on the debugger's machine that `file` (as the instance sees it) was made from, by the first root that holds it. */
export function hostPathOf(roots: SourceRoot[], file: string): string | undefined {
  for (const [instancePath, hostPath] of roots) {
    if (file === instancePath) return hostPath;
    const prefix = instancePath.endsWith('/') ? instancePath : `${instancePath}/`;
    if (file.startsWith(prefix)) return `${hostPath.replace(/\/$/, '')}/${file.slice(prefix.length)}`;
  }
  return undefined;
}
