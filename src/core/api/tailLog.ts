const TAIL_BYTES = 4096;

/** X-Amz-Log-Result: the base64 of the last 4 KB of this invocation's log, as Lambda returns it. */
export function tailLogResult(logs: string): string {
  const bytes = Buffer.from(logs, 'utf8');
  if (bytes.length <= TAIL_BYTES) return bytes.toString('base64');
  let start = bytes.length - TAIL_BYTES;
  // Start on a character boundary so the decoded tail is valid UTF-8.
  while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('base64');
}
