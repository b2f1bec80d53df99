import * as path from 'node:path';
import { errorMessage } from '../errors';
import { runtimeDir } from '../paths';
import { upstreamPath } from './canonicalPath';
import { EngineEventWatch } from './engineEventWatch';
import { SOCKET_ERRORS, socketError } from './errors';
import { DEFAULT_SOCKET_LIMITS, type SocketLimits } from './limits';
import { SCOPE_LABELS, ScopeRecord, type ScopeResources } from './scopeRecord';
import { ScopedRequestHandler } from './scopedRequestHandler';
import { ScopedSocketServer } from './scopedSocketServer';
import { prepareSocketDir, removeSocketDir, socketDirFor } from './socketPath';
import { isJsonObject, type JsonObject, type JsonValue } from './strictJson';
import { UpstreamClient } from './upstream';

export interface SocketLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DockerSocketSpawnerOptions {
  limits?: Partial<SocketLimits>;
  /** Where the sockets' folders go (default: runtimeDir(), a 0700 folder); tests pass their own. */
  runtimeRoot?: string;
  /** Labels put on everything created through the sockets, e.g. `lambda-dock.session`. */
  labels?: Record<string, string>;
  logger?: SocketLogger;
}

interface SpawnedSocket {
  key: string;
  token: string;
  dir: string;
  path: string;
  scope: ScopeRecord;
  server: ScopedSocketServer;
}

const silent: SocketLogger = { info() {}, warn() {}, error() {} };

/**
 * Provisions one scoped Docker Engine API socket per container key, in front of the real engine, and
 * tears each down with what was created through it. Sockets spawned with the same token share one scope.
 */
export class DockerSocketSpawner {
  private readonly sockets = new Map<string, Promise<SpawnedSocket | undefined>>();
  private readonly scopes = new Map<string, ScopeRecord>();
  /** Teardowns in progress: a spawn of the same key waits for its old socket to be gone. */
  private readonly tearingDown = new Map<string, Promise<void>>();
  private readonly upstream: UpstreamClient;
  /** The engine's events, followed while any socket is up: they keep each scope's list view honest. */
  private readonly events: EngineEventWatch;
  /**
   * Whether repeated lists may come from a scope's view. Docker sends each change's event within a
   * millisecond; Podman writes its events to a log that is read back later, so a view could lag it.
   */
  private viewAllowed: Promise<boolean> | undefined;
  private readonly limits: SocketLimits;
  private readonly log: SocketLogger;
  private readonly listeners = new Set<() => void>();
  private disposed = false;

  /** `engineSocket`: the real engine's socket path (Docker's, or Podman's Docker-compatible one). */
  constructor(
    readonly engineSocket: string,
    private readonly options: DockerSocketSpawnerOptions = {},
  ) {
    this.limits = { ...DEFAULT_SOCKET_LIMITS, ...options.limits };
    this.upstream = new UpstreamClient(engineSocket, this.limits.maxResponseBytes);
    this.events = new EngineEventWatch(
      this.upstream,
      (event) => this.onEngineEvent(event),
      () => {
        for (const scope of this.scopes.values()) scope.lists.invalidate();
      },
    );
    this.log = options.logger ?? silent;
    for (const key of Object.keys(options.labels ?? {})) {
      if ((Object.values(SCOPE_LABELS) as string[]).includes(key)) throw new Error(`label ${key} is set by the spawner itself`);
    }
  }

  /** Where the socket of `containerKey` lives (whether or not it is spawned). */
  socketPathFor(containerKey: string): string {
    return path.join(socketDirFor(this.root(), containerKey), 'docker.sock');
  }

  /**
   * Starts the socket of `containerKey` in the scope named by `token`, and returns its host path; the same
   * path again for a key already spawned. Undefined when it cannot (logged): the container starts without.
   */
  async spawn(containerKey: string, token: string): Promise<string | undefined> {
    await this.tearingDown.get(containerKey);
    if (this.disposed) return undefined;
    let entry = this.sockets.get(containerKey);
    if (!entry) {
      entry = this.start(containerKey, token);
      this.sockets.set(containerKey, entry);
      void entry.then((s) => {
        if (!s && this.sockets.get(containerKey) === entry) this.sockets.delete(containerKey);
      });
    }
    const socket = await entry;
    if (!socket) return undefined;
    if (socket.token !== token) {
      const error = socketError(SOCKET_ERRORS.tokenMismatch, `the socket for ${containerKey} was spawned in another scope; tear it down first`);
      this.log.error(`scoped socket: ${error.message}`);
      return undefined;
    }
    return socket.path;
  }

  private async start(key: string, token: string): Promise<SpawnedSocket | undefined> {
    try {
      const dir = socketDirFor(this.root(), key);
      const file = await prepareSocketDir(dir);
      let scope = this.scopes.get(token);
      if (!scope) {
        scope = new ScopeRecord(token, () => this.events.live);
        this.scopes.set(token, scope);
      }
      this.watchEvents();
      scope.socketKeys.add(key);
      const handler = new ScopedRequestHandler({
        key,
        scope,
        upstream: this.upstream,
        limits: this.limits,
        labels: { ...this.options.labels, [SCOPE_LABELS.scope]: scope.id },
        onRefused: (method, target, status, message) => this.log.info(`scoped socket ${key}: refused ${method} ${target.slice(0, 200)} (${status}: ${message})`),
        onCreated: () => this.fire(),
      });
      const server = new ScopedSocketServer(file, this.limits, handler);
      try {
        await server.listen();
      } catch (error) {
        scope.socketKeys.delete(key);
        throw socketError(SOCKET_ERRORS.listenFailed, `cannot listen on ${file}: ${errorMessage(error)}`, error);
      }
      this.log.info(`scoped socket ${key}: listening on ${file}`);
      this.fire();
      return { key, token, dir, path: file, scope, server };
    } catch (error) {
      this.log.error(`scoped socket ${key}: not started: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /**
   * Stops the socket of `containerKey`, closes its connections and streams, removes the containers,
   * networks and volumes created through it, and deletes the socket and its folder. Unknown keys: no-op.
   */
  async teardown(containerKey: string): Promise<void> {
    const entry = this.sockets.get(containerKey);
    if (!entry) return this.tearingDown.get(containerKey);
    this.sockets.delete(containerKey);
    const done = this.stop(containerKey, entry).finally(() => this.tearingDown.delete(containerKey));
    this.tearingDown.set(containerKey, done);
    return done;
  }

  private async stop(containerKey: string, entry: Promise<SpawnedSocket | undefined>): Promise<void> {
    const socket = await entry;
    if (!socket) return;
    await socket.server.close();
    // A create that was in flight when the server closed still lands in the record: wait for it.
    await socket.scope.settled();
    await this.removeCreated(socket);
    socket.scope.lists.invalidate();
    try {
      removeSocketDir(socket.dir);
    } catch (error) {
      this.log.warn(`scoped socket ${containerKey}: could not remove ${socket.dir}: ${errorMessage(error)}`);
    }
    socket.scope.socketKeys.delete(containerKey);
    if (socket.scope.socketKeys.size === 0) this.scopes.delete(socket.token);
    if (this.scopes.size === 0) this.events.stop();
    this.log.info(`scoped socket ${containerKey}: torn down`);
    this.fire();
  }

  private async removeCreated(socket: SpawnedSocket): Promise<void> {
    const { scope, key } = socket;
    const created = scope.createdBy(key);
    const remove = async (what: string, pathSegments: string[], query: Map<string, string>, forget: () => void): Promise<void> => {
      try {
        const res = await this.upstream.request({ method: 'DELETE', path: upstreamPath(undefined, pathSegments, query) });
        if (res.status < 300 || res.status === 404) forget();
        else this.log.warn(`scoped socket ${key}: could not remove ${what} (${res.status}: ${res.body.toString('utf8').trim()})`);
      } catch (error) {
        this.log.warn(`scoped socket ${key}: could not remove ${what}: ${errorMessage(error)}`);
      }
    };
    const force = new Map([['force', '1'], ['v', '1']]);
    await Promise.all(created.containers.map((id) => remove(`container ${id}`, ['containers', id], force, () => scope.forgetContainer(id))));
    await Promise.all(created.networks.map((id) => remove(`network ${id}`, ['networks', id], new Map(), () => scope.networks.delete(id))));
    await Promise.all(created.volumes.map((name) => remove(`volume ${name}`, ['volumes', name], new Map([['force', '1']]), () => scope.volumes.delete(name))));
  }

  /** What the socket of `containerKey` has created (for the Containers view); undefined if not spawned. */
  async resources(containerKey: string): Promise<ScopeResources | undefined> {
    const socket = await this.sockets.get(containerKey);
    return socket?.scope.createdBy(containerKey);
  }

  /** Keys of the sockets that are spawned. */
  get keys(): string[] {
    return [...this.sockets.keys()];
  }

  /** Fires when a socket starts or ends, or something is created through one. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Tears every socket down. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.sockets.keys()].map((key) => this.teardown(key)));
    this.events.stop();
    this.upstream.dispose();
    this.listeners.clear();
  }

  private watchEvents(): void {
    this.viewAllowed ??= this.engineSendsPromptEvents();
    void this.viewAllowed.then((allowed) => {
      if (allowed && this.scopes.size > 0 && !this.disposed) this.events.start();
    });
  }

  private async engineSendsPromptEvents(): Promise<boolean> {
    try {
      const res = await this.upstream.request({ method: 'GET', path: upstreamPath(undefined, ['version'], new Map()) });
      const version = JSON.parse(res.body.toString('utf8')) as JsonValue;
      const components = isJsonObject(version) && Array.isArray(version.Components) ? version.Components : [];
      return res.status === 200 && !components.some((c) => isJsonObject(c) && /podman/i.test(String(c.Name)));
    } catch {
      this.viewAllowed = undefined;
      return false;
    }
  }

  /** Which scopes' lists an engine event may have changed. */
  private onEngineEvent(event: JsonObject): void {
    const actor = isJsonObject(event.Actor) ? event.Actor : {};
    const id = typeof actor.ID === 'string' ? actor.ID : '';
    const attributes = isJsonObject(actor.Attributes) ? actor.Attributes : {};
    for (const scope of this.scopes.values()) {
      if (event.Type === 'image') scope.lists.invalidate();
      else if (event.Type === 'container' && (scope.containers.has(id) || attributes[SCOPE_LABELS.scope] === scope.id)) scope.lists.invalidate();
      else if (event.Type === 'network' && typeof attributes.container === 'string' && scope.containers.has(attributes.container)) scope.lists.invalidate();
    }
  }

  private fire(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.log.warn(`scoped socket listener failed: ${errorMessage(error)}`);
      }
    }
  }

  private root(): string {
    return this.options.runtimeRoot ?? runtimeDir();
  }
}
