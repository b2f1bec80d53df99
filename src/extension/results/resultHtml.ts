import type { ResultModel } from './resultModel';
import type { TraceLocation } from './traceLocations';

/** What the view's buttons and links ask of the extension. */
export type ResultMessage =
  | { command: 'invokeAgain' | 'debug' | 'showLogs' }
  /** The name is asked for when absent (a click); a caller may give it. */
  | { command: 'savePayload'; name?: string }
  | { command: 'open'; file: string; line: number; column: number };

/**
 * The result view's page: status, response, error with linked frames, REPORT, logs, payload, and the
 * actions. Everything shown is escaped; the only script is ours (nonce), and it only posts messages.
 */
export function resultHtml(model: ResultModel, nonce: string, cspSource: string): string {
  const ok = model.status === 'ok';
  const sections: string[] = [];
  if (model.response) {
    const note = model.response.bodyParsed ? ' <span class="note">(body parsed from its JSON string)</span>' : '';
    sections.push(section('Response', `${note}<pre class="${model.response.json ? 'json' : 'text'}" id="response">${escapeHtml(model.response.text)}</pre>`));
  }
  if (model.error) {
    const frames = model.error.frames.map((frame) => `<div class="frame">${linkedFrame(frame.text, frame.locations)}</div>`).join('');
    sections.push(
      section('Error', `<p class="error-head" id="error"><strong>${escapeHtml(model.error.type)}</strong>: ${escapeHtml(model.error.message)}</p>${frames ? `<div class="trace" id="trace">${frames}</div>` : ''}`),
    );
  }
  sections.push(section('Report', `<table id="report">${model.report.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`));
  sections.push(section('Logs', `<pre class="logs" id="logs">${escapeHtml(model.logs || '(no output)')}</pre>`));
  sections.push(section('Payload', `<pre class="json" id="payload">${escapeHtml(model.payload)}</pre>`));
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.functionName)}</title>
<style nonce="${nonce}">${STYLE}</style></head>
<body>
<header>
  <h1 id="status" class="${ok ? 'ok' : 'failed'}">${escapeHtml(model.functionName)}: ${ok ? 'succeeded' : `failed (${escapeHtml(model.error?.type ?? 'error')})`}</h1>
  <p class="meta">Request ${escapeHtml(model.requestId)} · ${escapeHtml(model.invokedAt)} · ${model.coldStart ? 'cold start' : 'warm'} on instance ${escapeHtml(model.instanceId)}</p>
  <nav>
    <button data-command="invokeAgain" title="Invoke ${escapeHtml(model.functionName)} again with this payload">Invoke Again</button>
    <button data-command="debug" class="secondary" title="Invoke with the debugger attached">Debug</button>
    <button data-command="savePayload" class="secondary" title="Save this payload as a named event">Save Payload</button>
    <button data-command="showLogs" class="secondary" title="The function's output channel">Show Output</button>
  </nav>
</header>
${sections.join('\n')}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const target = event.target.closest('[data-command]');
  if (!target) return;
  event.preventDefault();
  const message = { command: target.dataset.command };
  if (message.command === 'open') Object.assign(message, { file: target.dataset.file, line: Number(target.dataset.line), column: Number(target.dataset.column) });
  vscode.postMessage(message);
});
</script>
</body></html>`;
}

function section(title: string, body: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

/** A frame's text with each place that maps to a workspace file turned into a link that opens it. */
function linkedFrame(text: string, locations: TraceLocation[]): string {
  let html = '';
  let at = 0;
  for (const location of locations) {
    html += escapeHtml(text.slice(at, location.start));
    html += `<a href="#" data-command="open" data-file="${escapeHtml(location.file)}" data-line="${location.line}" data-column="${location.column}" title="${escapeHtml(location.file)}:${location.line}">${escapeHtml(text.slice(location.start, location.end))}</a>`;
    at = location.end;
  }
  return html + escapeHtml(text.slice(at));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; }
h1 { font-size: 1.3em; margin: 12px 0 4px; }
h1.ok::before { content: '\\2714\\FE0E  '; color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
h1.failed::before { content: '\\2716\\FE0E  '; color: var(--vscode-errorForeground); }
h2 { font-size: 1.05em; margin: 18px 0 6px; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); padding-bottom: 3px; }
.meta, .note { color: var(--vscode-descriptionForeground); }
nav { display: flex; gap: 8px; margin: 10px 0; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: 1px solid var(--vscode-button-border, transparent); padding: 4px 12px; cursor: pointer; font: inherit; }
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
button.secondary:hover { background: var(--vscode-button-secondaryHoverBackground); }
button:focus-visible, a:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); background: var(--vscode-textCodeBlock-background); padding: 8px; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.error-head { color: var(--vscode-errorForeground); }
.trace { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); background: var(--vscode-textCodeBlock-background); padding: 8px; }
.frame { white-space: pre-wrap; }
a { color: var(--vscode-textLink-foreground); }
a:hover { color: var(--vscode-textLink-activeForeground); }
table { border-collapse: collapse; }
th { text-align: left; font-weight: normal; color: var(--vscode-descriptionForeground); padding: 2px 16px 2px 0; }
`;
