// What a test asks of the page the runner drives (see PageRequest): screenshots kept as artifacts, the
// command palette's entries, the visible text of parts of the window.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { REQUEST_SUFFIX, RESPONSE_SUFFIX, RESULT_DIR_ENV, type PageRequest, type PageResponse } from '../../protocol';

async function ask(request: PageRequest, timeoutMs = 60_000): Promise<string[]> {
  const dir = process.env[RESULT_DIR_ENV];
  if (!dir) throw new Error(`${RESULT_DIR_ENV} is not set: the page can only be asked under test/e2e/run.ts`);
  const id = randomUUID();
  const requestFile = path.join(dir, `${id}${REQUEST_SUFFIX}`);
  fs.writeFileSync(`${requestFile}.tmp`, JSON.stringify(request));
  fs.renameSync(`${requestFile}.tmp`, requestFile);
  const responseFile = path.join(dir, `${id}${RESPONSE_SUFFIX}`);
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(responseFile)) {
    if (Date.now() > deadline) throw new Error(`the runner did not answer ${JSON.stringify(request)} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const response = JSON.parse(fs.readFileSync(responseFile, 'utf8')) as PageResponse;
  if (!response.ok) throw new Error(`the page could not answer ${JSON.stringify(request)}: ${response.error}`);
  return response.entries ?? (response.file ? [response.file] : []);
}

/** Screenshots the window into the run's artifacts as NAME.png; returns the file. */
export async function screenshot(name: string): Promise<string> {
  const [file] = await ask({ kind: 'screenshot', name });
  return file;
}

/** The labels the command palette lists for a query, as a user would see them. */
export function paletteEntries(query: string): Promise<string[]> {
  return ask({ kind: 'palette', query });
}

/** The visible text of what the selector finds in the window. */
export function visibleText(selector: string): Promise<string[]> {
  return ask({ kind: 'text', selector });
}

/** The codicons drawn by what the selector finds, by name, each with its glyph ('' when VS Code has no such codicon). */
export async function codiconGlyphs(selector: string): Promise<Map<string, string>> {
  const entries = await ask({ kind: 'glyphs', selector });
  return new Map(entries.map((entry) => entry.split('\t') as [string, string]));
}

/** Waits until a probe gives a value (polling the state it looks at), or fails naming what it waited for. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
