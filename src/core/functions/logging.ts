/**
 * Lambda's advanced logging controls (LoggingConfig): the log format, and with JSON the levels below which
 * the runtime drops application lines and the platform drops its own (START, REPORT).
 */
export type LogFormat = 'Text' | 'JSON';
export const APPLICATION_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type ApplicationLogLevel = (typeof APPLICATION_LOG_LEVELS)[number];
export const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const;
export type SystemLogLevel = (typeof SYSTEM_LOG_LEVELS)[number];

export interface LoggingConfig {
  format: LogFormat;
  /** JSON only (Lambda refuses it with Text): the least severe application line kept; Lambda's default INFO. */
  applicationLogLevel?: ApplicationLogLevel;
  /** JSON only: the least severe platform event kept; Lambda's default INFO. */
  systemLogLevel?: SystemLogLevel;
  /** CloudWatch log group the function logs to (AWS_LAMBDA_LOG_GROUP_NAME), instead of /aws/lambda/<name>. */
  logGroup?: string;
}

/** The names each file format uses for LoggingConfig's fields. */
export interface LoggingConfigKeys {
  format: string;
  applicationLogLevel: string;
  systemLogLevel: string;
  logGroup: string;
}

export const SAM_LOGGING_KEYS: LoggingConfigKeys = { format: 'LogFormat', applicationLogLevel: 'ApplicationLogLevel', systemLogLevel: 'SystemLogLevel', logGroup: 'LogGroup' };
export const SERVERLESS_LOGGING_KEYS: LoggingConfigKeys = { format: 'logFormat', applicationLogLevel: 'applicationLogLevel', systemLogLevel: 'systemLogLevel', logGroup: 'logGroup' };

/**
 * Reads a LoggingConfig object (values already resolved). Returns the config and, for each field Lambda
 * would refuse, the field's name and why: the caller reports those and keeps the rest.
 */
export function parseLoggingConfig(raw: Record<string, unknown>, keys: LoggingConfigKeys): { config: LoggingConfig; problems: Array<{ key: string; message: string }> } {
  const problems: Array<{ key: string; message: string }> = [];
  const config: LoggingConfig = { format: 'Text' };
  const format = raw[keys.format];
  if (format !== undefined) {
    const upper = String(format).toUpperCase();
    if (upper === 'JSON') config.format = 'JSON';
    else if (upper !== 'TEXT') problems.push({ key: keys.format, message: `${keys.format} must be Text or JSON, not ${String(format)}` });
  }
  const level = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    const upper = String(value).toUpperCase() as T;
    if (!allowed.includes(upper)) {
      problems.push({ key, message: `${key} must be one of ${allowed.join(', ')}, not ${String(value)}` });
      return undefined;
    }
    if (config.format !== 'JSON') {
      problems.push({ key, message: `${key} applies only with ${keys.format}: JSON (Lambda refuses it with Text); it is ignored` });
      return undefined;
    }
    return upper;
  };
  const application = level(keys.applicationLogLevel, APPLICATION_LOG_LEVELS);
  if (application) config.applicationLogLevel = application;
  const system = level(keys.systemLogLevel, SYSTEM_LOG_LEVELS);
  if (system) config.systemLogLevel = system;
  const group = raw[keys.logGroup];
  if (typeof group === 'string' && group) config.logGroup = group;
  return { config, problems };
}

/** The variables Lambda sets from LoggingConfig, read by its runtime clients (and ours) and by Powertools. */
export function loggingEnvironment(config: LoggingConfig | undefined): Record<string, string> {
  if (!config || config.format !== 'JSON') return {};
  return { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: config.applicationLogLevel ?? 'INFO' };
}
