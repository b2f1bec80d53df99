import * as util from 'node:util';

/**
 * Makes console.* write Lambda's log lines: timestamp, request id, level, message, one line per call
 * (newlines inside a message become carriage returns, as the AWS runtime does for text logs).
 */
export function patchConsole(currentRequestId: () => string | undefined): void {
  const write = (level: string, args: unknown[]) => {
    const message = util.format(...args).replace(/\n/g, '\r');
    process.stdout.write(`${new Date().toISOString()}\t${currentRequestId() ?? 'undefined'}\t${level}\t${message}\n`);
  };
  console.log = (...args: unknown[]) => write('INFO', args);
  console.info = (...args: unknown[]) => write('INFO', args);
  console.warn = (...args: unknown[]) => write('WARN', args);
  console.error = (...args: unknown[]) => write('ERROR', args);
  console.debug = (...args: unknown[]) => write('DEBUG', args);
  console.trace = (...args: unknown[]) => write('TRACE', args);
  console.fatal = (...args: unknown[]) => write('FATAL', args);
}

declare global {
  interface Console {
    fatal(...args: unknown[]): void;
  }
}
