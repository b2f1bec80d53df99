import * as util from 'node:util';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
type Level = (typeof LEVELS)[number];

export interface ConsoleOptions {
  /** AWS_LAMBDA_LOG_FORMAT: JSON lines, else Lambda's tab-separated text. */
  json: boolean;
  /** AWS_LAMBDA_LOG_LEVEL: console methods less severe than this write nothing (all of them by default). */
  minLevel: Level;
}

export function consoleOptionsFromEnv(env: NodeJS.ProcessEnv): ConsoleOptions {
  const level = env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() as Level | undefined;
  return {
    json: env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON',
    minLevel: level && LEVELS.includes(level) ? level : 'TRACE',
  };
}

/**
 * Makes console.* write Lambda's log lines, one line per call, as AWS's runtime client does: in text,
 * timestamp, request id, level and message (newlines inside become carriage returns); in JSON, an object with
 * timestamp, level, requestId and message (an Error's type, message and stack beside it).
 */
export function patchConsole(currentRequestId: () => string | undefined, options: ConsoleOptions): void {
  const format = options.json ? jsonLine : textLine;
  const method = (level: Level) => {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(options.minLevel)) return () => undefined;
    return (message?: unknown, ...params: unknown[]) => {
      process.stdout.write(`${format(new Date().toISOString(), currentRequestId(), level, message, params)}\n`);
    };
  };
  console.trace = method('TRACE');
  console.debug = method('DEBUG');
  console.info = method('INFO');
  console.warn = method('WARN');
  console.error = method('ERROR');
  console.fatal = method('FATAL');
  console.log = console.info;
}

function textLine(timestamp: string, requestId: string | undefined, level: Level, message: unknown, params: unknown[]): string {
  return `${timestamp}\t${requestId ?? 'undefined'}\t${level}\t${util.format(message, ...params)}`.replace(/\n/g, '\r');
}

/** One argument is kept as a value (an object stays an object); more are formatted into one message. */
export function jsonLine(timestamp: string, requestId: string | undefined, level: Level, message: unknown, params: unknown[]): string {
  const line: Record<string, unknown> = { timestamp, level, requestId };
  if (params.length === 0) {
    line.message = message;
    try {
      return JSON.stringify(line, errorFields);
    } catch {
      line.message = util.format(message);
      return JSON.stringify(line);
    }
  }
  line.message = util.format(message, ...params);
  const error = params.find((param): param is Error => param instanceof Error);
  if (error) Object.assign(line, errorSummary(error));
  return JSON.stringify(line);
}

function errorSummary(error: Error): Record<string, unknown> {
  return {
    errorType: error.constructor?.name ?? 'UnknownError',
    errorMessage: error.message,
    stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : error.stack,
  };
}

function errorFields(_key: string, value: unknown): unknown {
  return value instanceof Error ? { ...errorSummary(value), ...value } : value;
}

declare global {
  interface Console {
    fatal(...args: unknown[]): void;
  }
}
