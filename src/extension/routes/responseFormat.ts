// The Send Request result document: request, status, headers, the body pretty-printed, and the function's
// log of this request (no vscode: unit-tested).
import type { HttpExchange } from './httpExchange';

function isTextual(contentType: string): boolean {
  return /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|javascript|x-www-form-urlencoded))/i.test(contentType);
}

/** The body as a reader wants it: JSON indented, text as text, anything else as a byte count and base64. */
export function prettyBody(body: Buffer, contentType: string | undefined): { language: string; text: string } {
  if (body.length === 0) return { language: 'text', text: '(empty body)' };
  const type = contentType ?? '';
  const text = body.toString('utf8');
  if (/json/i.test(type) || (type === '' && /^\s*[[{]/.test(text))) {
    try {
      return { language: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      return { language: 'text', text };
    }
  }
  if (type === '' || isTextual(type)) return { language: /html/i.test(type) ? 'html' : /xml/i.test(type) ? 'xml' : 'text', text };
  return { language: 'text', text: `(${body.length} bytes of ${type}, base64)\n${body.toString('base64')}` };
}

export function formatExchange(ex: HttpExchange, functionName: string | undefined, logs: string): string {
  const headerLines = Object.entries(ex.headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value ?? '']).map((v) => `${name}: ${v}`));
  const body = prettyBody(ex.body, ex.headers['content-type']);
  const request = [`${ex.method} ${ex.url}`, ...Object.entries(ex.requestHeaders).map(([k, v]) => `${k}: ${v}`)];
  const lines = [
    `# ${ex.status} ${ex.statusText} · ${ex.method} ${new URL(ex.url).pathname}`,
    '',
    `${functionName ? `Function ${functionName} · ` : ''}${ex.durationMs.toFixed(1)} ms · ${ex.body.length} bytes`,
    '',
    '## Request',
    '',
    '```http',
    ...request,
    ...(ex.requestBody.length > 0 ? ['', ex.requestBody] : []),
    '```',
    '',
    '## Response headers',
    '',
    '```http',
    `HTTP/1.1 ${ex.status} ${ex.statusText}`,
    ...headerLines,
    '```',
    '',
    '## Response body',
    '',
    `\`\`\`${body.language}`,
    body.text,
    '```',
    '',
    '## Log',
    '',
    '```log',
    logs.trim().length > 0 ? logs.trimEnd() : functionName ? '(no log: the function did not run for this request)' : '(no function ran: API Gateway answered this request itself)',
    '```',
    '',
  ];
  return lines.join('\n');
}
