import type { LoggingConfig, SystemLogLevel } from '../functions/logging';
import type { InvokeReport } from './invokeResult';

/** How an invocation ended, as its REPORT says: absent for an answer (a function error included). */
export type ReportStatus = 'timeout' | 'error' | undefined;

/**
 * The lines the platform writes around an invocation's output: START, END and REPORT in Lambda's text
 * format, or with LogFormat JSON the platform.start, platform.runtimeDone and platform.report events,
 * filtered by SystemLogLevel as Lambda filters them.
 */
export interface PlatformLog {
  start(requestId: string): string;
  /** What closes an invocation once it answered: END and REPORT, or their JSON events. */
  end(requestId: string, report: InvokeReport, status: ReportStatus): string;
}

export function platformLog(config: LoggingConfig | undefined): PlatformLog {
  return config?.format === 'JSON' ? jsonPlatformLog(config.systemLogLevel ?? 'INFO') : TEXT_PLATFORM_LOG;
}

/** The whole invocation's log: the platform's start, the function's output, the platform's end. */
export function invocationLog(start: string, output: string, end: string): string {
  return `${start}${output && !output.endsWith('\n') ? `${output}\n` : output}${end}`;
}

const TEXT_PLATFORM_LOG: PlatformLog = {
  start: (requestId) => `START RequestId: ${requestId} Version: $LATEST\n`,
  end: (requestId, report, status) => `END RequestId: ${requestId}\n${formatReport(requestId, report, status)}\n`,
};

export function formatReport(requestId: string, report: InvokeReport, status?: ReportStatus): string {
  const parts = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${report.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${report.billedDurationMs} ms`,
    `Memory Size: ${report.memorySizeMB} MB`,
    `Max Memory Used: ${report.maxMemoryUsedMB} MB`,
  ];
  if (report.initDurationMs !== undefined) parts.push(`Init Duration: ${report.initDurationMs.toFixed(2)} ms`);
  if (report.debugged) parts.push('Debugged: timeout not enforced');
  if (status) parts.push(`Status: ${status}`);
  return parts.join('\t');
}

/** The level Lambda logs each platform event at: runtimeDone only at DEBUG, start and report at INFO. */
const EVENT_LEVEL = { 'platform.start': 'INFO', 'platform.runtimeDone': 'DEBUG', 'platform.report': 'INFO' } as const;
const SYSTEM_LEVEL_ORDER: SystemLogLevel[] = ['DEBUG', 'INFO', 'WARN'];

function jsonPlatformLog(level: SystemLogLevel): PlatformLog {
  const shown = (type: keyof typeof EVENT_LEVEL) => SYSTEM_LEVEL_ORDER.indexOf(EVENT_LEVEL[type]) >= SYSTEM_LEVEL_ORDER.indexOf(level);
  const event = (type: keyof typeof EVENT_LEVEL, record: Record<string, unknown>) =>
    shown(type) ? `${JSON.stringify({ time: new Date().toISOString(), type, record })}\n` : '';
  return {
    start: (requestId) => event('platform.start', { requestId, version: '$LATEST' }),
    end(requestId, report, status) {
      const outcome = status ?? 'success';
      const metrics = {
        durationMs: report.durationMs,
        billedDurationMs: report.billedDurationMs,
        memorySizeMB: report.memorySizeMB,
        maxMemoryUsedMB: report.maxMemoryUsedMB,
        ...(report.initDurationMs !== undefined ? { initDurationMs: report.initDurationMs } : {}),
      };
      return (
        event('platform.runtimeDone', { requestId, status: outcome, metrics: { durationMs: report.durationMs } }) +
        event('platform.report', { requestId, metrics, status: outcome, ...(report.debugged ? { debugged: true } : {}) })
      );
    },
  };
}
