import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import type { ServedRoute } from '../../../src/core/gateway/apiGatewayServer';

export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/** One line of `lambda-dock serve --json` (its state after each deploy, or a deploy's report): the fields tests read. */
export interface ServeLine {
  apiUrl?: string;
  routes?: ServedRoute[];
  endpoint?: string;
  functions?: unknown;
  functionUrls?: Record<string, string>;
  reason?: 'deploy' | 'watch';
}

/** `lambda-dock serve --json` on a workspace, as a user runs it, with its lines as they come. */
export interface ServeProcess {
  lines: ServeLine[];
  /** The first line that matches, waiting for it; fails when serve exits or stays silent for 90 s. */
  nextLine(predicate: (line: ServeLine, index: number) => boolean, what: string): Promise<ServeLine>;
  /** What serve wrote to stderr so far. */
  readonly stderr: string;
  /** Waits until serve has written this on stderr; fails when serve exits or stays silent for 90 s. */
  untilStderr(text: string, what: string): Promise<void>;
  /** Ctrl-C: resolves with serve's exit code. */
  interrupt(): Promise<number | null>;
  stop(): Promise<void>;
}

export function startServe(workspace: string): ServeProcess {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run 'npm run build' first`);
  const lines: ServeLine[] = [];
  let stderr = '';
  let wake: (() => void) | undefined;
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--api-port', '0', '--json', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  child.stdout?.on('data', (data: Buffer) => {
    buffered += data.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) lines.push(JSON.parse(line) as ServeLine);
    }
    wake?.();
  });
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
    wake?.();
  });
  child.on('exit', () => wake?.());

  return {
    lines,
    async nextLine(predicate, what) {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const index = lines.findIndex(predicate);
        if (index !== -1) return lines[index];
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve never printed ${what}; stderr:\n${stderr}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    get stderr() {
      return stderr;
    },
    async untilStderr(text, what) {
      const deadline = Date.now() + 90_000;
      while (!stderr.includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve never printed ${what} on stderr:\n${stderr}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    async interrupt() {
      child.kill('SIGINT');
      return new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
