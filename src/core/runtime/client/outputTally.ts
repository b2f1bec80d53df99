import { formatOutputTally } from './protocol';

const written = { stdout: 0, stderr: 0 };

/**
 * Counts the bytes the process writes through process.stdout and process.stderr (console.* included), so
 * each answer can say how much output precedes it. Installed once, before the handler loads.
 */
export function countOutput(): void {
  count(process.stdout, 'stdout');
  count(process.stderr, 'stderr');
}

/** The header value for an answer sent now: the bytes written so far and the peak memory. */
export function outputTallyHeader(): string {
  return formatOutputTally({ ...written, maxRssKB: process.resourceUsage().maxRSS });
}

function count(stream: NodeJS.WriteStream, name: keyof typeof written): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8';
    if (typeof chunk === 'string') written[name] += Buffer.byteLength(chunk, encoding);
    else if (chunk instanceof Uint8Array) written[name] += chunk.byteLength;
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
