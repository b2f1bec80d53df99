import * as fs from 'node:fs';
import { LambdaDockError } from '../core/errors';
import { payloadNotJson } from '../core/runtime/invokeErrors';

/** The payload from --payload or --payload-file, checked to be JSON before anything starts. */
export function readPayload(inline: string | undefined, file: string | undefined): Buffer {
  if (inline !== undefined && file !== undefined) {
    throw new LambdaDockError('USAGE', 'Give either --payload or --payload-file, not both.');
  }
  let text = inline ?? '{}';
  if (file !== undefined) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new LambdaDockError('PAYLOAD_FILE', `Cannot read the payload file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check the path.`);
    }
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw payloadNotJson(`${file ? `${file}: ` : ''}${(error as Error).message}`);
  }
  return Buffer.from(text);
}
