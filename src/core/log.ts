/** Where core reports what it does; the editor sends it to its log channel, the CLI to stderr. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that prefixes every line with a component tag: "[pool] ...". */
export function tagged(logger: Logger, component: string): Logger {
  return {
    debug: (m) => logger.debug(`[${component}] ${m}`),
    info: (m) => logger.info(`[${component}] ${m}`),
    warn: (m) => logger.warn(`[${component}] ${m}`),
    error: (m, e) => logger.error(`[${component}] ${m}`, e),
  };
}
