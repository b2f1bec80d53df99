import { type ChildProcess, spawn } from 'node:child_process';
import { silentLogger, type Logger } from '../log';
import { pythonRuntimeClientPath } from '../paths';
import { findBootstrap } from './customRuntime';
import { hostPython, pythonMismatchNote } from './hostPython';
import { isCustomRuntime, isPythonRuntime } from './images';
import { inspectorEnvironment } from './inspector';
import { nodeProgram } from './processNode';
import { OutputBufferingInstance, type InstanceExit, type LambdaBackend, type LaunchedInstance, type LaunchSpec, type ManagedContainer, type RuntimeApiEndpoint, type StaleReport } from './backend';
import { noContainers } from './errors';

class ProcessInstance extends OutputBufferingInstance implements LaunchedInstance {
  terminateRequested = false;
  exitInfo?: InstanceExit;
  constructor(
    readonly id: string,
    readonly instanceId: string,
    readonly child: ChildProcess,
  ) {
    super();
  }
}

/**
 * The embedded default when no engine is reachable: our runtime client as a child process on the host (the
 * Node.js one with this Node.js, the Python one with the host's python3), or a custom runtime's bootstrap
 * itself. Not isolated: the function sees the host's files, network and tools, and no memory limit applies.
 */
export class ProcessBackend implements LambdaBackend {
  readonly name = 'process';
  readonly isolated = false;
  readonly endpoint = '';
  private readonly instances = new Map<string, ProcessInstance>();
  private readonly noted = new Set<string>();

  constructor(private readonly log: Logger = silentLogger) {}

  /** Every local process shares loopback's address: a child proves itself by its secret path instead. */
  async runtimeApiEndpoint(): Promise<RuntimeApiEndpoint> {
    return { bindAddress: '127.0.0.1', advertisedHost: '127.0.0.1', identity: { kind: 'secretPath' } };
  }

  async launch(spec: LaunchSpec): Promise<LaunchedInstance> {
    const taskRoot = spec.codeDir ?? process.cwd();
    const { command, args, env } = await this.program(spec, taskRoot);
    let environment: Record<string, string> = { ...spec.environment, LAMBDA_TASK_ROOT: taskRoot, PATH: process.env.PATH ?? '', ...env };
    // On the host the inspector listens on loopback only; port 0 lets Node.js pick one, which it announces.
    if (spec.inspector) environment = inspectorEnvironment(spec.inspector, `127.0.0.1:${spec.inspector.hostPort}`, environment);
    const child = spawn(command, args, {
      cwd: taskRoot,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const instance = new ProcessInstance(String(child.pid ?? spec.instanceId), spec.instanceId, child);
    this.instances.set(spec.instanceId, instance);
    child.stdout?.on('data', (data: Buffer) => instance.emit('output', data, 'stdout'));
    child.stderr?.on('data', (data: Buffer) => instance.emit('output', data, 'stderr'));
    child.once('exit', (code, signal) => {
      this.instances.delete(spec.instanceId);
      instance.exitInfo = { exitCode: code ?? (signal === 'SIGKILL' ? 137 : 1), oomKilled: false, requested: instance.terminateRequested };
      instance.emit('exit', instance.exitInfo);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return instance;
  }

  /** What runs the function: our Node.js or Python client, or a custom runtime's bootstrap. */
  private async program(spec: LaunchSpec, taskRoot: string): Promise<{ command: string; args: string[]; env: Record<string, string> }> {
    const layers = spec.layersDir;
    if (isPythonRuntime(spec.runtime)) {
      // -B: the code folder is the read-only content cache, as /var/task is read-only on Lambda.
      const python = await hostPython();
      const note = pythonMismatchNote(spec.runtime!, python, 'as local processes');
      if (note) this.noteOnce(spec.runtime!, note);
      return { command: python.executable, args: ['-B', pythonRuntimeClientPath()], env: layers ? { _LAMBDA_DOCK_OPT: layers } : {} };
    }
    if (isCustomRuntime(spec.runtime)) {
      return { command: findBootstrap(spec.functionName, spec.codeDir, layers).hostPath, args: [], env: {} };
    }
    return nodeProgram(spec, taskRoot, (runtime, message) => this.noteOnce(runtime, message));
  }

  /** Says something about a runtime in the log once per backend. */
  private noteOnce(key: string, message: string): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.log.warn(message);
  }

  async terminate(instanceId: string): Promise<void> {
    const instance = this.instances.get(instanceId);
    if (!instance) return;
    instance.terminateRequested = true;
    const exited = new Promise((resolve) => instance.once('exit', resolve));
    instance.child.kill('SIGKILL');
    await exited;
  }

  async prepullImage(): Promise<boolean> {
    return false;
  }

  async imageExists(): Promise<boolean> {
    return false;
  }

  /** Child processes end with their session (their Runtime API connection closes), so nothing is stale. */
  async reapStale(): Promise<StaleReport> {
    return { containers: [], networks: [], volumes: [] };
  }

  async listManaged(): Promise<ManagedContainer[]> {
    return [];
  }

  async stopContainer(): Promise<void> {
    throw noContainers(this.name);
  }

  async removeContainer(): Promise<void> {
    throw noContainers(this.name);
  }

  async containerLogs(): Promise<void> {
    throw noContainers(this.name);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.instances.keys()].map((id) => this.terminate(id)));
  }
}
