import type { InvokeResult } from '../../core/runtime/invokeResult';
import { prettyJson } from './savedEvents';

/**
 * The text of a result document: a heading with the outcome, the formatted response or the error, the
 * invocation's logs, and the REPORT figures. Markdown, so the editor colours the JSON.
 */
export function formatResult(result: InvokeResult, payload: Buffer, invokedAt: Date): string {
  const ok = result.status === 'ok';
  const lines: string[] = [];
  lines.push(`# ${result.functionName}: ${ok ? 'succeeded' : `failed (${result.error?.errorType ?? 'error'})`}`);
  lines.push('');
  lines.push(`Request ${result.requestId} · ${invokedAt.toLocaleString()} · ${result.coldStart ? 'cold start' : 'warm'} on instance ${result.instanceId}`);
  lines.push('');
  if (ok) {
    lines.push('## Response');
    lines.push('');
    lines.push(fenced(result.payload.toString('utf8')));
  } else {
    lines.push('## Error');
    lines.push('');
    lines.push(`**${result.error?.errorType ?? 'Error'}**: ${result.error?.errorMessage ?? ''}`);
    lines.push('');
    if (result.error?.trace?.length) lines.push(fenced(result.error.trace.join('\n'), 'text'));
    else lines.push(fenced(result.payload.toString('utf8')));
  }
  lines.push('');
  lines.push('## Report');
  lines.push('');
  lines.push(...reportTable(result));
  lines.push('');
  lines.push('## Logs');
  lines.push('');
  lines.push(fenced(result.logs.trimEnd() || '(no output)', 'text'));
  lines.push('');
  lines.push('## Payload');
  lines.push('');
  lines.push(fenced(payload.toString('utf8')));
  lines.push('');
  return lines.join('\n');
}

export function reportTable(result: InvokeResult): string[] {
  const r = result.report;
  const rows: Array<[string, string]> = [
    ['Duration', `${r.durationMs.toFixed(2)} ms`],
    ['Billed Duration', `${r.billedDurationMs} ms`],
    ...(r.initDurationMs !== undefined ? [['Init Duration', `${r.initDurationMs.toFixed(2)} ms`] as [string, string]] : []),
    ['Memory Size', `${r.memorySizeMB} MB`],
    ['Max Memory Used', `${r.maxMemoryUsedMB} MB`],
  ];
  return ['| Figure | Value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

/** A fenced block, as JSON when the text is JSON; the fence is longer than any backtick run inside. */
function fenced(text: string, language?: string): string {
  let body = text;
  let lang = language;
  if (!lang) {
    const pretty = prettyJson(text);
    lang = pretty !== text || isJson(text) ? 'json' : 'text';
    body = pretty;
  }
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
