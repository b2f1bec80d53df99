import type { InvokeReport } from './invokeResult';

/** START, the function's output, END and REPORT, as Lambda writes an invocation's log. */
export function invocationLog(requestId: string, output: string, report: string): string {
  const body = output && !output.endsWith('\n') ? `${output}\n` : output;
  return `${startLine(requestId)}${body}${endLines(requestId, report)}`;
}

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST\n`;
}

/** END and the REPORT line. */
export function endLines(requestId: string, report: string): string {
  return `END RequestId: ${requestId}\n${report}\n`;
}

export function formatReport(requestId: string, report: InvokeReport, status?: 'timeout' | 'error'): string {
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
