// Starts code-server (a full VS Code whose Node extension host runs extensions as the desktop does) on a
// free loopback port and stops it with every process it started.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

export function defaultCodeServerDir(): string {
  const cache = process.env.LAMBDA_DOCK_VSCODE_CACHE ?? path.join(os.homedir(), '.cache', 'lambda-dock-vscode');
  return process.env.LAMBDA_DOCK_CODE_SERVER_DIR ?? path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
}

export interface CodeServerOptions {
  installDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** Where code-server keeps its own state (XDG_DATA_HOME/XDG_CONFIG_HOME), apart from the user's. */
  stateDir: string;
  logFile: string;
  env: Record<string, string>;
  startTimeoutMs: number;
  /** Keep VS Code's workspace trust on (the default run turns it off). */
  workspaceTrust?: boolean;
}

export interface RunningCodeServer {
  origin: string;
  authority: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const bin = path.join(options.installDir, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) {
    throw new Error(`code-server is not installed at ${options.installDir}: run scripts/install-vscode.sh`);
  }
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const configFile = path.join(options.stateDir, 'config.yaml');
  fs.mkdirSync(options.stateDir, { recursive: true });
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const log = fs.openSync(options.logFile, 'a');
  const [launcher, ...launcherArgs] = ownPidNamespace();
  const child = spawn(
    launcher,
    [
      ...launcherArgs,
      bin,
      '--config', configFile,
      '--auth', 'none',
      '--bind-addr', authority,
      '--user-data-dir', options.userDataDir,
      '--extensions-dir', options.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    {
      // Its own process group, so stop() reaches the extension host and the pty host too.
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        XDG_DATA_HOME: path.join(options.stateDir, 'data'),
        XDG_CONFIG_HOME: path.join(options.stateDir, 'config'),
        ...options.env,
      },
    },
  );
  fs.closeSync(log);
  const stop = () => stopGroup(child);
  killOnExit(child);
  try {
    await waitForHealth(`http://${authority}/healthz`, child, options.startTimeoutMs);
  } catch (error) {
    await stop();
    const tail = fs.readFileSync(options.logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`${(error as Error).message}\ncode-server's log (${options.logFile}) ends with:\n${tail}`);
  }
  return { origin: `http://${authority}`, authority, process: child, stop };
}

/**
 * code-server runs in a pid namespace of its own (unshare --pid --fork --mount-proc), so whatever it or an
 * extension does to pids stays inside it: a debugger that kills "the process tree of pid 1" (as js-debug
 * does on terminate with a pid it read inside a container) reaches only the editor, never this machine.
 * --kill-child ends everything in the namespace when unshare itself is stopped. Without root a user
 * namespace (--map-root-user) makes the pid namespace possible.
 */
function ownPidNamespace(): string[] {
  const unshare = ['/usr/bin/unshare', '/bin/unshare'].find((file) => fs.existsSync(file));
  if (!unshare) throw new Error('unshare (util-linux) is missing: the editor tests run VS Code in its own pid namespace; install util-linux');
  const user = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
  return [unshare, ...user, '--pid', '--fork', '--mount-proc', '--kill-child'];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it answered`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000} s`);
}

const groups = new Set<number>();
let exitHookInstalled = false;

// A runner that dies on an uncaught error or a signal still takes code-server down with it.
function killOnExit(child: ChildProcess): void {
  if (child.pid !== undefined) groups.add(child.pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of groups) signalGroup(pid, 'SIGKILL');
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && groupAlive(pid)) await new Promise((r) => setTimeout(r, 100));
  signalGroup(pid, 'SIGKILL');
  groups.delete(pid);
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
