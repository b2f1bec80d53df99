import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as http from 'node:http';
import { Duplex } from 'node:stream';

export interface SshTarget {
  host: string;
  user?: string;
  port?: number;
}

/**
 * The ssh command line: `ssh` from PATH, or LAMBDA_DOCK_SSH_COMMAND (split on spaces, like GIT_SSH_COMMAND)
 * for a config file, key or jump host of its own.
 */
export function sshCommand(env: NodeJS.ProcessEnv, target: SshTarget): { file: string; args: string[] } {
  const [file, ...extra] = (env.LAMBDA_DOCK_SSH_COMMAND?.trim() || 'ssh').split(/\s+/);
  const args = [
    ...extra,
    // Never prompt: an editor has no terminal to answer in, so a missing key or an unknown host key fails at once.
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=30',
    '-T',
    ...(target.user ? ['-l', target.user] : []),
    ...(target.port ? ['-p', String(target.port)] : []),
    '--',
    target.host,
    'docker', 'system', 'dial-stdio',
  ];
  return { file, args };
}

/**
 * An HTTP agent whose connections are `ssh HOST docker system dial-stdio`: the docker client's own way
 * to reach an engine over SSH, with the user's ssh configuration, keys, agent and known_hosts. (docker-modem's
 * ssh2 agent opens one SSH session for all connections and closes it when any one of them ends, which breaks
 * an event stream and attach streams that run side by side.)
 */
export class SshDialAgent extends http.Agent {
  constructor(
    private readonly target: SshTarget,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    super({ keepAlive: true, maxSockets: 16 });
  }

  override createConnection(_options: unknown, callback?: (error: Error | null, socket: Duplex) => void): Duplex {
    const { file, args } = sshCommand(this.env, this.target);
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: this.env });
    const socket = new SshStdioSocket(child);
    callback?.(null, socket);
    return socket;
  }
}

/** A child's stdin and stdout as one socket-like stream; its stderr becomes the error when it ends badly. */
class SshStdioSocket extends Duplex {
  private stderr = '';
  private received = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    super({ allowHalfOpen: false });
    child.stdout.on('data', (chunk: Buffer) => {
      this.received = true;
      if (!this.push(chunk)) child.stdout.pause();
    });
    // Ended only once ssh has exited: had it failed before answering, its message is the error, not a hang-up.
    child.stdout.on('end', () => void this.exited.then((error) => (this.failedEarly() ? this.destroy(error) : this.push(null))));
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => undefined);
    child.once('error', (error) => this.destroy(new Error(`cannot run ssh (${error.message}): install an OpenSSH client or set LAMBDA_DOCK_SSH_COMMAND`)));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(new Error(`ssh exited with ${code}: ${this.stderr.trim() || 'no message'}`))));
    void this.exited.then((error) => {
      if (this.failedEarly()) this.destroy(error);
    });
  }

  private failedEarly(): boolean {
    return this.child.exitCode !== 0 && !this.received;
  }

  /** Resolves, with what ssh said, once it has exited. */
  private readonly exited: Promise<Error>;

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // A write fails (EPIPE) when ssh has given up: what it printed says why, the broken pipe does not.
    this.child.stdin.write(chunk, (error) => (error ? void this.exited.then(callback) : callback()));
  }

  override _final(callback: () => void): void {
    this.child.stdin.end(callback);
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    if (this.child.exitCode === null) this.child.kill();
    callback(error);
  }

  // What Node's HTTP client and agent call on a net.Socket.
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  /** The agent unrefs a socket it keeps idle, so an idle ssh does not keep the process alive. */
  ref(): this {
    this.child.ref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) (stream as unknown as { ref?: () => void }).ref?.();
    return this;
  }
  unref(): this {
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    return this;
  }
}
