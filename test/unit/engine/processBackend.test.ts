import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcessBackend } from '../../../src/core/engine/processBackend';
import { withLambdaDefaults } from '../../../src/core/functions/definition';
import { FunctionHost } from '../../../src/core/runtime/functionHost';

describe('the process backend (no engine)', function () {
  this.timeout(20_000);

  it('runs the same runtime client as a child process, and says it is not isolated', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-process-'));
    fs.writeFileSync(path.join(dir, 'app.js'), 'exports.handler = async (e, c) => ({ doubled: e.n * 2, name: c.functionName, pid: process.pid });');
    const host = await FunctionHost.start({ workspace: dir, backend: new ProcessBackend() });
    try {
      assert.equal(host.backend.isolated, false);
      await host.deploy([withLambdaDefaults({ name: 'Local', runtime: 'nodejs20.x', handler: 'app.handler', codeDir: dir, source: { file: dir, line: 1 } })]);
      const first = await host.invoke('Local', Buffer.from('{"n":21}'));
      const body = JSON.parse(first.payload.toString()) as { doubled: number; name: string; pid: number };
      assert.deepEqual([body.doubled, body.name], [42, 'Local']);
      assert.notEqual(body.pid, process.pid);
      const second = await host.invoke('Local', Buffer.from('{"n":1}'));
      assert.equal(second.coldStart, false);
      assert.equal((JSON.parse(second.payload.toString()) as { pid: number }).pid, body.pid);
    } finally {
      await host.dispose();
    }
  });

  it("refuses a Runtime API request without the instance's secret path: other local processes cannot take its invocations", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-process-'));
    fs.writeFileSync(path.join(dir, 'app.js'), 'exports.handler = async (e) => ({ api: process.env.AWS_LAMBDA_RUNTIME_API, n: e.n });');
    const host = await FunctionHost.start({ workspace: dir, backend: new ProcessBackend() });
    try {
      await host.deploy([withLambdaDefaults({ name: 'Local', runtime: 'nodejs20.x', handler: 'app.handler', codeDir: dir, source: { file: dir, line: 1 } })]);
      const { api } = JSON.parse((await host.invoke('Local', Buffer.from('{"n":1}'))).payload.toString()) as { api: string };
      const match = /^127\.0\.0\.1:(\d+)(\/[A-Za-z0-9_-]{24})$/.exec(api);
      assert.ok(match, api);
      const [, port, secret] = match;
      const get = (path: string) =>
        new Promise<{ status?: number; body: string }>((resolve, reject) => {
          http.get({ host: '127.0.0.1', port: Number(port), path, agent: false }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode, body }));
          }).on('error', reject);
        });
      for (const path of ['/2018-06-01/runtime/invocation/next', `/${'x'.repeat(24)}/2018-06-01/runtime/invocation/next`, `${secret.slice(0, -1)}/2018-06-01/runtime/invocation/next`]) {
        const refused = await get(path);
        assert.equal(refused.status, 403, path);
        assert.match(refused.body, /serves only its own instance/);
      }
      const again = await host.invoke('Local', Buffer.from('{"n":2}'));
      assert.equal(again.coldStart, false);
      assert.deepEqual(JSON.parse(again.payload.toString()), { api, n: 2 });
    } finally {
      await host.dispose();
    }
  });

  it("runs a Python function with the host's python3 and our Python client, layers included", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-process-py-'));
    fs.writeFileSync(path.join(dir, 'app.py'), [
      'import logging, os, sys, shared',
      'logging.getLogger().setLevel(logging.INFO)',
      'def handler(event, context):',
      '    logging.info("doubling %s", event["n"])',
      '    return {"doubled": event["n"] * 2, "name": context.function_name, "pid": os.getpid(), "shared": shared.NAME, "opt": os.environ.get("_LAMBDA_DOCK_OPT")}',
      'def fails(event, context):',
      '    raise RuntimeError("nope")',
      '',
    ].join('\n'));
    const layer = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-process-layer-'));
    fs.mkdirSync(path.join(layer, 'python'));
    fs.writeFileSync(path.join(layer, 'python', 'shared.py'), 'NAME = "layer"\n');
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
    const host = await FunctionHost.start({ workspace: dir, backend: new ProcessBackend(log) });
    try {
      const definition = (name: string, handler: string) =>
        withLambdaDefaults({ name, runtime: 'python3.12', handler, codeDir: dir, layers: [{ name: 'Shared', dir: layer }], source: { file: dir, line: 1 } });
      await host.deploy([definition('Py', 'app.handler'), definition('PyFails', 'app.fails')]);
      const first = await host.invoke('Py', Buffer.from('{"n":21}'));
      assert.equal(first.status, 'ok', first.logs);
      const body = JSON.parse(first.payload.toString()) as { doubled: number; name: string; pid: number; shared: string; opt: string | null };
      assert.deepEqual([body.doubled, body.name, body.shared, body.opt], [42, 'Py', 'layer', null]);
      assert.notEqual(body.pid, process.pid);
      assert.match(first.logs, new RegExp(`\\[INFO\\]\\t\\S+Z\\t${first.requestId}\\tdoubling 21\\n`));
      const second = await host.invoke('Py', Buffer.from('{"n":1}'));
      assert.equal(second.coldStart, false);
      assert.equal((JSON.parse(second.payload.toString()) as { pid: number }).pid, body.pid);
      assert.ok(second.report.maxMemoryUsedMB > 0, 'our client reports its peak memory');
      const failed = await host.invoke('PyFails', Buffer.from('{}'));
      assert.deepEqual(Object.keys(JSON.parse(failed.payload.toString()) as object), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
      assert.equal(failed.error?.errorType, 'RuntimeError');
      const hostVersion = execFileSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
      if (hostVersion !== '3.12') assert.deepEqual(warnings, [`python3.12 functions run as local processes on this machine's Python ${hostVersion}, not 3.12: code or packages that need 3.12 may behave differently`], 'said once');
    } finally {
      await host.dispose();
    }
  });

  it("runs a custom runtime's bootstrap directly, with AWS_LAMBDA_RUNTIME_API set", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-process-custom-'));
    fs.writeFileSync(path.join(dir, 'bootstrap'), [
      '#!/bin/sh',
      'while true; do',
      '  HEADERS="$(mktemp)"',
      '  EVENT=$(curl -sS -D "$HEADERS" "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next")',
      "  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id \"$HEADERS\" | tr -d '[:space:]' | cut -d: -f2)",
      '  echo "got $EVENT for $_HANDLER"',
      '  curl -sS "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$ID/response" -d "{\\"event\\":$EVENT,\\"root\\":\\"$LAMBDA_TASK_ROOT\\"}" >/dev/null',
      '  rm -f "$HEADERS"',
      'done',
      '',
    ].join('\n'), { mode: 0o755 });
    const host = await FunctionHost.start({ workspace: dir, backend: new ProcessBackend() });
    try {
      await host.deploy([withLambdaDefaults({ name: 'Custom', runtime: 'provided.al2023', handler: 'my.handler', codeDir: dir, source: { file: dir, line: 1 } })]);
      const result = await host.invoke('Custom', Buffer.from('{"k":1}'));
      assert.equal(result.status, 'ok', result.logs);
      const body = JSON.parse(result.payload.toString()) as { event: unknown; root: string };
      assert.deepEqual(body.event, { k: 1 });
      assert.match(result.logs, /\ngot \{"k":1\} for my\.handler\n/);
      assert.equal((await host.invoke('Custom', Buffer.from('{}'))).coldStart, false);
    } finally {
      await host.dispose();
    }
  });
});
