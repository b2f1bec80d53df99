import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTENSION_ERRORS, extensionError } from '../errors';

/** Where saved events live: .lambda-dock/events/<function>/<name>.json in the workspace. */
export function eventsDir(workspace: string, functionName: string): string {
  return path.join(workspace, '.lambda-dock', 'events', functionName);
}

export interface SavedEvent {
  name: string;
  file: string;
}

export function listSavedEvents(workspace: string, functionName: string): SavedEvent[] {
  const dir = eventsDir(workspace, functionName);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name: name.slice(0, -'.json'.length), file: path.join(dir, name) }));
}

/** A name usable as a file name: letters, digits, dot, dash, underscore. */
export function validEventName(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the event a name.';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(trimmed)) return 'Use letters, digits, dots, dashes and underscores only.';
  return undefined;
}

/** Writes the payload (pretty-printed when it is JSON) and returns the file. */
export function saveEvent(workspace: string, functionName: string, name: string, payload: Buffer): string {
  const problem = validEventName(name);
  if (problem) throw extensionError(EXTENSION_ERRORS.eventName, `"${name}" cannot be an event name: ${problem}`);
  const dir = eventsDir(workspace, functionName);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.trim()}.json`);
  fs.writeFileSync(file, `${prettyJson(payload.toString('utf8'))}\n`);
  return file;
}

/** The payload text checked to be JSON, as the Invoke API would require it. */
export function parsePayload(text: string, origin: string): Buffer {
  try {
    JSON.parse(text);
  } catch (error) {
    throw extensionError(EXTENSION_ERRORS.payloadNotJson, `The payload from ${origin} is not JSON (${(error as Error).message}): fix it and invoke again.`);
  }
  return Buffer.from(text);
}

export function readPayloadFile(file: string): Buffer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw extensionError(EXTENSION_ERRORS.payloadFile, `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? errorText(error)}): check the path.`);
  }
  return parsePayload(text, path.basename(file));
}

export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
