import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { InvokeResult } from '../../../src/core/runtime/invokeResult';
import { resultHtml } from '../../../src/extension/results/resultHtml';
import { resultModel, responseText } from '../../../src/extension/results/resultModel';
import { hostFile, traceLocations } from '../../../src/extension/results/traceLocations';
import { definition } from './fakes';

const base: InvokeResult = {
  requestId: 'req-1',
  functionName: 'Hello',
  status: 'ok',
  payload: Buffer.from('{"statusCode":200,"body":"{\\"items\\":[1,2]}"}'),
  logs: 'START RequestId: req-1 Version: $LATEST\nhi <b>\nEND RequestId: req-1\nREPORT RequestId: req-1\tDuration: 3.21 ms\n',
  report: { durationMs: 3.214, billedDurationMs: 4, initDurationMs: 120.5, memorySizeMB: 128, maxMemoryUsedMB: 41 },
  coldStart: true,
  instanceId: 'abc',
};
const at = new Date('2024-05-01T12:00:00Z');

/** The text a user reads in the page: tags dropped, entities decoded. */
function visibleText(html: string): string {
  const body = html.slice(html.indexOf('<body>'), html.indexOf('<script'));
  return body.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('the result view', () => {
  let ws: string;
  before(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-dock-result-'));
    fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'app.js'), 'exports.handler = async () => { throw new TypeError("boom"); };\n');
    fs.writeFileSync(path.join(ws, 'src', 'app.ts'), 'export const handler = async () => 1;\n');
    fs.mkdirSync(path.join(ws, 'layer', 'nodejs'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'layer', 'nodejs', 'util.js'), 'module.exports = {};\n');
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('shows status, the response with a JSON body string parsed, REPORT, logs and payload, all escaped', () => {
    const model = resultModel(base, Buffer.from('{"x":1}'), at, undefined);
    assert.deepEqual(JSON.parse(model.response!.text), { statusCode: 200, body: { items: [1, 2] } });
    assert.equal(model.response!.bodyParsed, true);
    const html = resultHtml(model, 'NONCE', 'vscode-resource:');
    const text = visibleText(html);
    assert.match(text, /Hello: succeeded/);
    assert.match(text, /Request req-1 · .* · cold start on instance abc/);
    assert.match(text, /"body": \{\n\s+"items": \[/);
    assert.match(text, /Duration3\.21 ms/);
    assert.match(text, /Init Duration120\.50 ms/);
    assert.match(text, /hi <b>\nEND RequestId/, 'log text is shown as text');
    assert.doesNotMatch(html, /hi <b>/, 'and escaped in the page');
    assert.match(text, /"x": 1/);
    for (const action of ['invokeAgain', 'debug', 'savePayload']) assert.match(html, new RegExp(`data-command="${action}"`));
    assert.match(html, /script-src 'nonce-NONCE'/);
  });

  it('keeps a body that is not JSON as its string, and a non-JSON response as text', () => {
    assert.deepEqual(responseText('{"body":"<html>"}'), { text: '{\n  "body": "<html>"\n}', json: true, bodyParsed: false });
    assert.deepEqual(responseText('plain'), { text: 'plain', json: false, bodyParsed: false });
    assert.equal(responseText('{"body":"e30=","isBase64Encoded":true}').bodyParsed, false);
  });

  it('maps an error\'s trace to workspace files and links them: /var/task, /opt layers, source-mapped paths', () => {
    const fn = definition('Hello', ws, { layers: [{ name: 'util', dir: path.join(ws, 'layer') }] });
    const failed: InvokeResult = {
      ...base,
      status: 'error',
      coldStart: false,
      payload: Buffer.from('{"errorType":"TypeError","errorMessage":"boom"}'),
      error: {
        errorType: 'TypeError',
        errorMessage: 'boom',
        trace: ['TypeError: boom', '    at exports.handler (/var/task/app.js:1:40)', '    at x (/opt/nodejs/util.js:3:1)', '    at y (file:///src/app.ts:1:14)', '    at node:internal/process/task_queues:95:5'],
      },
      report: { ...base.report, initDurationMs: undefined },
    };
    const model = resultModel(failed, Buffer.from('{}'), at, fn);
    assert.deepEqual(model.error!.frames.map((f) => f.locations.map((l) => [path.relative(ws, l.file), l.line, l.column])), [
      [],
      [['app.js', 1, 40]],
      [[path.join('layer', 'nodejs', 'util.js'), 3, 1]],
      [[path.join('src', 'app.ts'), 1, 14]],
      [],
    ]);
    const html = resultHtml(model, 'N', 'c');
    assert.match(html, new RegExp(`<a href="#" data-command="open" data-file="${path.join(ws, 'app.js').replace(/[/\\\\]/g, '.')}" data-line="1" data-column="40"[^>]*>/var/task/app.js:1:40</a>`));
    const text = visibleText(html);
    assert.match(text, /Hello: failed \(TypeError\)/);
    assert.match(text, /TypeError: boom/);
    assert.doesNotMatch(text, /Init Duration/);
    assert.match(text, /warm on instance abc/);
  });

  it('maps no place outside the function\'s files', () => {
    const fn = definition('Hello', ws);
    assert.equal(hostFile('/var/task/../../etc/passwd', fn), undefined);
    assert.equal(hostFile('/var/task/missing.js', fn), undefined);
    assert.deepEqual(traceLocations('at x (/var/task/app.js:1:1)', undefined), []);
  });

  it("links Python frames (File \"/var/task/app.py\", line N) to the function's file", () => {
    fs.writeFileSync(path.join(ws, 'app.py'), 'def handler(e, c):\n    raise ValueError("x")\n');
    const frame = '  File "/var/task/app.py", line 2, in handler\n    raise ValueError("x")\n';
    const [location] = traceLocations(frame, definition('Py', ws));
    assert.equal(location.file, path.join(ws, 'app.py'));
    assert.equal(location.line, 2);
    assert.equal(frame.slice(location.start, location.end), '/var/task/app.py", line 2');
  });
});
