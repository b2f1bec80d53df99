import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../../core/functions/definition';

/** A place in a stack trace mapped to a file of the workspace, for a link in the result view. */
export interface TraceLocation {
  /** Where the text `file:line:column` starts and ends in the frame line. */
  start: number;
  end: number;
  file: string;
  /** 1-based, as traces write them. */
  line: number;
  column: number;
}

/** `/var/task/app.js:10:5`, `file:///opt/nodejs/x.mjs:3:1`, `/src/app.ts:7:9`: a path, a line, maybe a column. */
const FRAME_PLACE = /(?:file:\/\/)?(\/[^\s():]+):(\d+)(?::(\d+))?/g;
/** Python's frames: `File "/var/task/app.py", line 9, in handler`. */
const PYTHON_FRAME_PLACE = /File "(\/[^"]+)", line (\d+)()/g;

/**
 * The places a stack frame names, mapped to the host's files: /var/task/... is the function's code (its
 * source folder for a built function, whose source maps name the sources), /opt/... its layers, and any
 * other path (a source-mapped one) the longest tail of it that exists under the function's sources. A place
 * that maps to no file is left out.
 */
export function traceLocations(frame: string, definition: FunctionDefinition | undefined): TraceLocation[] {
  if (!definition) return [];
  const found: TraceLocation[] = [];
  for (const match of [...frame.matchAll(FRAME_PLACE), ...frame.matchAll(PYTHON_FRAME_PLACE)]) {
    const file = hostFile(match[1], definition);
    if (!file) continue;
    const start = match.index + match[0].indexOf(match[1]);
    found.push({ start, end: match.index + match[0].length, file, line: Number(match[2]), column: Number(match[3] || 1) });
  }
  return found;
}

export function hostFile(place: string, definition: FunctionDefinition): string | undefined {
  const sources = definition.build?.sourceDir ?? definition.codeDir;
  const under = (prefix: string) => (place.startsWith(prefix) ? place.slice(prefix.length) : undefined);
  const inTask = under('/var/task/');
  if (inTask !== undefined) return existing(sources, inTask) ?? existing(definition.codeDir, inTask) ?? tail(sources, inTask);
  const inOpt = under('/opt/');
  if (inOpt !== undefined) {
    // Layers are merged in attach order, so a later layer's file is the one that ran.
    for (const layer of [...definition.layers].reverse()) {
      const file = existing(layer.dir, inOpt);
      if (file) return file;
    }
    return undefined;
  }
  if (sources && isInside(place, sources) && isFile(place)) return place;
  return tail(sources, place);
}

/** The longest tail of `place` that names a file under `root` (source maps resolved inside the container). */
function tail(root: string | undefined, place: string): string | undefined {
  if (!root) return undefined;
  const segments = place.split('/').filter(Boolean);
  for (let i = 0; i < segments.length; i += 1) {
    const file = existing(root, segments.slice(i).join('/'));
    if (file) return file;
  }
  return undefined;
}

function existing(root: string | undefined, relative: string): string | undefined {
  if (!root) return undefined;
  const file = path.join(root, relative);
  return isInside(file, root) && isFile(file) ? file : undefined;
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
