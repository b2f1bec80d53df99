import * as fs from 'node:fs';
import { payloadNotJson } from '../core/runtime/invokeErrors';
import { CLI_ERRORS, cliError } from './errors';

/** The payload from --payload or --payload-file, checked to be JSON before anything starts. */
export function readPayload(inline: string | undefined, file: string | undefined): Buffer {
  if (inline !== undefined && file !== undefined) {
    throw cliError(CLI_ERRORS.usage, 'Give either --payload or --payload-file, not both.');
  }
  let text = inline ?? '{}';
  if (file !== undefined) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw cliError(CLI_ERRORS.payloadFile, `Cannot read the payload file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check the path.`);
    }
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw payloadNotJson(`${file ? `${file}: ` : ''}${(error as Error).message}`);
  }
  return Buffer.from(text);
}
