// A debugged instance names each file it loads from the function's code or layers by the file it was made
// from on the debugger's machine (a `//# sourceURL=` comment added as it is compiled; the file itself is not
// touched). A debugger then needs no path mapping: VS Code's debugger has one localRoot/remoteRoot pair,
// which cannot say that /var/task is one workspace folder and /opt is several layer folders merged.
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { DEBUG_SOURCES_ENV, hostPathOf, type SourceRoot } from './debugSourceRoots';

type Compile = (this: unknown, content: string, filename: string) => unknown;
type Register = (specifier: string, options: { data: unknown }) => void;

// ES modules are compiled in Node.js's loader thread: a load hook adds the comment there (plain JavaScript in a
// string, loaded from a data: URL; hostPathOf is repeated in it).
const HOOK_SOURCE = `
let roots = [];
export function initialize(data) { roots = data.roots; }
const hostPathOf = ${hostPathOf.toString()};
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (result.format !== 'module' || !url.startsWith('file://') || result.source == null) return result;
  const host = hostPathOf(roots, decodeURIComponent(new URL(url).pathname));
  if (!host) return result;
  const source = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source);
  return { ...result, source: source + '\\n//# sourceURL=' + new URL('file://' + host).href + '\\n' };
}
`;

/** Installs the naming when the instance is debugged (LAMBDA_DOCK_DEBUG_SOURCES), before any of the function loads. */
export function nameSourcesForDebugger(): void {
  const table = process.env[DEBUG_SOURCES_ENV];
  if (!table) return;
  delete process.env[DEBUG_SOURCES_ENV];
  const roots = JSON.parse(table) as SourceRoot[];
  const prototype = (nodeModule as unknown as { prototype: { _compile: Compile } }).prototype;
  const compile = prototype._compile;
  prototype._compile = function (content, filename) {
    const host = hostPathOf(roots, filename);
    return compile.call(this, host ? `${content}\n//# sourceURL=${pathToFileURL(host).href}\n` : content, filename);
  };
  const register = (nodeModule as { register?: Register }).register;
  register?.(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`, { data: { roots } });
}
