import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { canonicalizeTarget, MAX_API_MINOR, upstreamPath, type CanonicalTarget } from './canonicalPath';
import type { ClientConnection } from './clientConnection';
import { buildContainerCreateBody } from './containerCreateBody';
import { inspectedContainer, listedSignature, type InspectedContainer } from './containerSignature';
import { forbidden, malformed, ProxyRefusal } from './errors';
import type { SocketLimits } from './limits';
import type { ParsedRequest } from './requestReader';
import {
  eventIsOwned,
  eventMayBePending,
  filterOwned,
  parseFilters,
  passHeaders,
  scopedFilters,
  trimContainerInspect,
  trimImageInspect,
  trimInfo,
  trimVersion,
  trimVolume,
} from './responseFilters';
import { matchRoute, type RouteKind, type RouteMatch } from './routes';
import { SCOPE_LABELS, type ScopeRecord } from './scopeRecord';
import { buildExecCreateBody, buildExecStartBody, buildNetworkCreateBody, buildVolumeCreateBody } from './smallBodies';
import { isJsonObject, parseJsonObjectBody, type JsonObject, type JsonValue } from './strictJson';
import type { BufferedResponse, UpstreamClient } from './upstream';

export interface HandlerContext {
  /** The socket's container key: what its creations are recorded under. */
  key: string;
  scope: ScopeRecord;
  upstream: UpstreamClient;
  limits: SocketLimits;
  /** Labels added to everything this socket creates (the scope's, and the session's from the spawner). */
  labels: Record<string, string>;
  onRefused(method: string, target: string, status: number, message: string): void;
  onCreated(): void;
}

/** One request, already canonical and matched, on its way to a handler. */
interface Call {
  request: ParsedRequest;
  conn: ClientConnection;
  target: CanonicalTarget;
  match: RouteMatch;
}

const STREAMING_OK = (status: number): boolean => status >= 200 && status < 300;

/**
 * Decides every request of one scoped socket: canonical target, route table, ownership from the scope's
 * record, bodies rebuilt from allowlists, answers filtered; then sends its own request upstream.
 */
export class ScopedRequestHandler {
  constructor(private readonly ctx: HandlerContext) {}

  readonly handle = async (request: ParsedRequest, conn: ClientConnection): Promise<void> => {
    let call: Call;
    try {
      const target = canonicalizeTarget(request.target);
      const match = matchRoute(request.method, target);
      if (match.route.body === 'none' && request.body.length > 0) throw malformed(`${request.method} /${match.segments.join('/')} takes no body`);
      if (request.wantsUpgrade && match.route.kind !== 'containerAttach' && match.route.kind !== 'execStart') throw malformed('only attach and exec start can upgrade the connection');
      call = { request, conn, target, match };
      await this.dispatchNoting(match.route.kind, call);
    } catch (error) {
      if (error instanceof ProxyRefusal) {
        this.ctx.onRefused(request.method, request.target, error.status, error.message);
        // A request we could not read cleanly ends the connection: nothing after it can be trusted.
        if (error.status === 400) request.keepAlive = false;
      }
      throw error;
    }
  };

  /** A request that may change something makes the scope's remembered lists stale, before and after. */
  private async dispatchNoting(kind: RouteKind, call: Call): Promise<void> {
    const mayChange = call.request.method !== 'GET' && call.request.method !== 'HEAD';
    if (!mayChange) return this.dispatch(kind, call);
    this.ctx.scope.lists.invalidate();
    try {
      await this.dispatch(kind, call);
    } finally {
      this.ctx.scope.lists.invalidate();
    }
  }

  private dispatch(kind: RouteKind, call: Call): Promise<void> {
    switch (kind) {
      case 'ping': return this.ping(call);
      case 'version': return this.forward(call, this.path(call), trimVersion);
      case 'info': return this.info(call);
      case 'containerList': return this.containerList(call);
      case 'containerCreate': return this.containerCreate(call);
      case 'containerInspect': return this.onContainer(call, (c, id) => this.forward(c, this.path(c, ['containers', id, 'json']), trimContainerInspect));
      case 'containerAction': return this.onContainer(call, (c, id) => this.forward(c, this.path(c, ['containers', id, c.match.segments[2]!])));
      case 'containerWait': return this.onContainer(call, (c, id) => this.streamThrough(c, this.path(c, ['containers', id, 'wait'])));
      case 'containerLogs': return this.onContainer(call, (c, id) => this.streamThrough(c, this.path(c, ['containers', id, 'logs'])));
      case 'containerAttach': return this.onContainer(call, (c, id) => this.tunnel(c, this.path(c, ['containers', id, 'attach'])));
      case 'containerRemove': return this.containerRemove(call);
      case 'execCreate': return this.execCreate(call);
      case 'execStart': return this.execStart(call);
      case 'execInspect': return this.onExec(call, (c, id) => this.forward(c, this.path(c, ['exec', id, 'json'])));
      case 'execResize': return this.onExec(call, (c, id) => this.forward(c, this.path(c, ['exec', id, 'resize'])));
      case 'imageList': return this.forward(call, this.path(call));
      case 'imageInspect': return this.forward(call, this.path(call), trimImageInspect);
      case 'networkList': return this.networkList(call);
      case 'networkCreate': return this.networkCreate(call);
      case 'networkInspect': return this.onNetwork(call, (c, id) => this.forward(c, this.path(c, ['networks', id]), (v) => this.trimNetwork(v)));
      case 'networkRemove': return this.onNetwork(call, (c, id) => this.forward(c, this.path(c, ['networks', id]), undefined, (status) => {
        if (STREAMING_OK(status) || status === 404) this.ctx.scope.networks.delete(id);
      }));
      case 'volumeList': return this.volumeList(call);
      case 'volumeCreate': return this.volumeCreate(call);
      case 'volumeInspect': return this.onVolume(call, (c, name) => this.forward(c, this.path(c, ['volumes', name]), trimVolume));
      case 'volumeRemove': return this.onVolume(call, (c, name) => this.forward(c, this.path(c, ['volumes', name]), undefined, (status) => {
        if (STREAMING_OK(status) || status === 404) this.ctx.scope.volumes.delete(name);
      }));
      case 'events': return this.events(call);
    }
  }

  /** The upstream path: the caller's (bounded) version, our segments, the allowlisted query. */
  private path(call: Call, segments: readonly string[] = call.target.segments, query: Map<string, string> = call.target.query): string {
    return upstreamPath(call.target.version, segments, query);
  }

  private async send(call: Call, res: BufferedResponse, transform?: (v: JsonValue) => JsonValue): Promise<void> {
    const headers = passHeaders(res.headers);
    let body = res.body;
    if (transform && STREAMING_OK(res.status) && body.length > 0) {
      body = jsonBody(transform(JSON.parse(body.toString('utf8')) as JsonValue));
    }
    call.conn.send(res.status, headers, body);
  }

  private async forward(call: Call, path: string, transform?: (v: JsonValue) => JsonValue, after?: (status: number, body: Buffer) => void, body?: JsonObject): Promise<void> {
    const res = await this.ctx.upstream.request({ method: call.request.method, path, body: body && Buffer.from(JSON.stringify(body)), signal: call.conn.closed.signal });
    after?.(res.status, res.body);
    await this.send(call, res, transform);
  }

  private async ping(call: Call): Promise<void> {
    const res = await this.ctx.upstream.request({ method: call.request.method, path: this.path(call), signal: call.conn.closed.signal });
    const headers = passHeaders(res.headers);
    const api = /^1\.([0-9]+)$/.exec(headers['Api-Version'] ?? '');
    if (api && Number(api[1]) > MAX_API_MINOR) headers['Api-Version'] = `1.${MAX_API_MINOR}`;
    call.conn.send(res.status, headers, res.body);
  }

  private async info(call: Call): Promise<void> {
    const [info, list] = await Promise.all([
      this.ctx.upstream.request({ method: 'GET', path: this.path(call) }),
      this.ownContainers(call, true),
    ]);
    if (!STREAMING_OK(info.status)) return this.send(call, info);
    const states = list.map((c) => c.State);
    const own = {
      total: list.length,
      running: states.filter((s) => s === 'running').length,
      paused: states.filter((s) => s === 'paused').length,
      stopped: states.filter((s) => s !== 'running' && s !== 'paused').length,
    };
    call.conn.sendJson(200, trimInfo(JSON.parse(info.body.toString('utf8')) as JsonValue, own), false, passHeaders(info.headers));
  }

  /** The scope's containers as the engine lists them (label-selected, then checked against the record). */
  private async ownContainers(call: Call, all: boolean): Promise<JsonObject[]> {
    const query = new Map([['filters', scopedFilters(undefined, this.ctx.scope.id)]]);
    if (all) query.set('all', '1');
    const res = await this.ctx.upstream.request({ method: 'GET', path: upstreamPath(call.target.version, ['containers', 'json'], query) });
    if (!STREAMING_OK(res.status)) return [];
    return this.ownedEntries(res.body);
  }

  /**
   * The engine's list within the scope, checked against the record. A repeated list is answered from the
   * scope's view while nothing can have changed it; sizes are measured anew each time.
   */
  private async containerList(call: Call): Promise<void> {
    const { scope } = this.ctx;
    const query = new Map(call.target.query);
    query.set('filters', scopedFilters(query.get('filters'), scope.id));
    const path = this.path(call, undefined, query);
    const remembered = call.request.method === 'GET' ? scope.lists.lookup(path) : undefined;
    if (remembered) {
      call.conn.send(remembered.status, remembered.headers, remembered.body);
      return;
    }
    const ticket = scope.lists.ticket();
    const res = await this.ctx.upstream.request({ method: call.request.method, path, signal: call.conn.closed.signal });
    if (!STREAMING_OK(res.status) || res.body.length === 0) return this.send(call, res);
    const list = this.ownedEntries(res.body);
    for (const c of list) if (Array.isArray(c.Mounts)) for (const m of c.Mounts) if (isJsonObject(m)) delete m.Source;
    const answer = { status: res.status, headers: passHeaders(res.headers), body: jsonBody(list) };
    call.conn.send(answer.status, answer.headers, answer.body);
    if (call.request.method === 'GET' && !query.has('size') && scope.lists.askedAgain(path)) {
      const listed = list.map((c) => ({ id: c.Id as string, signature: listedSignature(c) }));
      void scope.lists.remember(path, ticket, answer, listed, (id) => this.inspectLive(call, id)).catch(() => undefined);
    }
  }

  /** The entries of an engine container list that the scope's record owns. */
  private ownedEntries(body: Buffer): JsonObject[] {
    return filterOwned(JSON.parse(body.toString('utf8')) as JsonValue, (c) => this.ctx.scope.containers.has(c.Id as string)) as JsonObject[];
  }

  private async inspectLive(call: Call, id: string): Promise<InspectedContainer | undefined> {
    const res = await this.ctx.upstream.request({ method: 'GET', path: upstreamPath(call.target.version, ['containers', id, 'json']) });
    if (res.status !== 200) return undefined;
    return inspectedContainer(JSON.parse(res.body.toString('utf8')) as JsonObject);
  }

  private async containerCreate(call: Call): Promise<void> {
    const { scope, key, limits } = this.ctx;
    const body = buildContainerCreateBody(parseJsonObjectBody(call.request.body), scope, this.ctx.labels);
    const name = call.target.query.get('name');
    if (name !== undefined && !/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) throw malformed(`container name "${name}" is not valid`);
    if (scope.createdBy(key).containers.length >= limits.maxContainers) {
      await this.forgetRemovedContainers(call);
      if (scope.createdBy(key).containers.length >= limits.maxContainers) throw forbidden(`this socket already has ${limits.maxContainers} containers (the limit)`);
    }
    const work = this.ctx.upstream.request({ method: 'POST', path: this.path(call), body: Buffer.from(JSON.stringify(body)) });
    const res = await scope.track(work.then((r) => {
      if (r.status === 201) {
        const id = (JSON.parse(r.body.toString('utf8')) as JsonObject).Id;
        if (typeof id === 'string') scope.containers.set(id, { id, name: name?.replace(/^\//, ''), creatorKey: key });
        this.ctx.onCreated();
      }
      return r;
    }));
    await this.send(call, res);
  }

  /** Containers removed behind our back (AutoRemove) no longer count against the limit. */
  private async forgetRemovedContainers(call: Call): Promise<void> {
    const alive = new Set((await this.ownContainers(call, true)).map((c) => c.Id as string));
    for (const id of this.ctx.scope.createdBy(this.ctx.key).containers) if (!alive.has(id)) this.ctx.scope.forgetContainer(id);
  }

  private async containerRemove(call: Call): Promise<void> {
    await this.onContainer(call, (c, id) =>
      this.forward(c, this.path(c, ['containers', id]), undefined, (status) => {
        if (STREAMING_OK(status) || status === 404) this.ctx.scope.forgetContainer(id);
      }),
    );
  }

  /** Resolves the container named in the path to a full id of this scope, or refuses. */
  private async onContainer(call: Call, then: (call: Call, id: string) => Promise<void>): Promise<void> {
    const ref = call.match.params.id!;
    let id = this.ctx.scope.resolveContainer(ref);
    if (!id && this.ctx.scope.unnamedContainers().length > 0) {
      await this.learnNames(call);
      id = this.ctx.scope.resolveContainer(ref);
    }
    if (!id) throw forbidden(`no container "${ref}" was created through this socket's scope`);
    await then(call, id);
  }

  /** Looks up the engine-chosen names of our unnamed containers (by their full ids). */
  private async learnNames(call: Call): Promise<void> {
    await Promise.all(
      this.ctx.scope.unnamedContainers().map(async (c) => {
        const res = await this.ctx.upstream.request({ method: 'GET', path: upstreamPath(call.target.version, ['containers', c.id, 'json']) });
        if (res.status === 404) this.ctx.scope.forgetContainer(c.id);
        else if (STREAMING_OK(res.status)) {
          const name = (JSON.parse(res.body.toString('utf8')) as JsonObject).Name;
          if (typeof name === 'string') c.name = name.replace(/^\//, '');
        }
      }),
    );
  }

  private async execCreate(call: Call): Promise<void> {
    const body = buildExecCreateBody(parseJsonObjectBody(call.request.body));
    await this.onContainer(call, (c, id) =>
      this.forward(c, this.path(c, ['containers', id, 'exec']), undefined, (status, raw) => {
        if (status !== 201) return;
        const execId = (JSON.parse(raw.toString('utf8')) as JsonObject).Id;
        if (typeof execId === 'string') this.ctx.scope.execs.set(execId, id);
      }, body),
    );
  }

  private async onExec(call: Call, then: (call: Call, id: string) => Promise<void>): Promise<void> {
    const id = call.match.params.id!;
    const container = this.ctx.scope.execs.get(id);
    if (!container || !this.ctx.scope.containers.has(container)) throw forbidden(`no exec "${id}" was created through this socket's scope`);
    await then(call, id);
  }

  private async execStart(call: Call): Promise<void> {
    const body = buildExecStartBody(parseJsonObjectBody(call.request.body));
    await this.onExec(call, (c, id) => {
      const path = this.path(c, ['exec', id, 'start']);
      return body.Detach === true ? this.forward(c, path, undefined, undefined, body) : this.tunnel(c, path, body);
    });
  }

  /**
   * attach and exec start: the engine is asked to take over a fresh connection; only once it answers 101
   * are the two sockets joined. Any other answer is relayed as a normal response.
   */
  private async tunnel(call: Call, path: string, body?: JsonObject): Promise<void> {
    const result = await this.ctx.upstream.hijack({ method: 'POST', path, body: body && Buffer.from(JSON.stringify(body)) });
    const { conn } = call;
    if (!result.upgraded) {
      await this.relayStream(call, result.response);
      return;
    }
    const upstream = result.socket;
    if (conn.socket.destroyed) {
      upstream.destroy();
      return;
    }
    conn.link(upstream);
    const headers = passHeaders(result.response.headers);
    const remainder = call.request.wantsUpgrade
      ? conn.takeOver(101, { ...headers, Connection: 'Upgrade', Upgrade: 'tcp' })
      : conn.takeOver(200, { ...headers, 'Content-Type': headers['Content-Type'] ?? 'application/vnd.docker.raw-stream' });
    if (result.head.length > 0) conn.socket.write(result.head);
    if (remainder.length > 0) upstream.write(remainder);
    upstream.on('error', () => conn.socket.destroy());
    conn.socket.on('error', () => upstream.destroy());
    upstream.pipe(conn.socket);
    conn.socket.pipe(upstream);
    conn.socket.resume();
  }

  /** Streams an upstream answer (logs, wait) in our own chunked framing once the engine agreed (2xx). */
  private async streamThrough(call: Call, path: string, transformLines?: (line: string) => Promise<string | undefined>): Promise<void> {
    const res = await this.ctx.upstream.stream({ method: call.request.method, path, signal: call.conn.closed.signal });
    await this.relayStream(call, res, transformLines);
  }

  private async relayStream(call: Call, res: IncomingMessage, transformLines?: (line: string) => Promise<string | undefined>): Promise<void> {
    const status = res.statusCode ?? 502;
    if (!STREAMING_OK(status) || call.request.method === 'HEAD') {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      call.conn.send(status, passHeaders(res.headers), Buffer.concat(chunks));
      return;
    }
    const writer = call.conn.startChunked(status, passHeaders(res.headers));
    let partial = '';
    for await (const chunk of res) {
      if (!transformLines) {
        if (!writer.write(chunk as Buffer)) await call.conn.drained();
        continue;
      }
      partial += (chunk as Buffer).toString('utf8');
      let nl: number;
      while ((nl = partial.indexOf('\n')) !== -1) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        const out = await transformLines(line);
        if (out !== undefined && !writer.write(`${out}\n`)) await call.conn.drained();
      }
      if (partial.length > this.ctx.limits.maxResponseBytes) throw new Error('event line too long');
    }
    writer.end();
    // A stream that ended (a wait answered, logs that stopped following) may mean a container changed.
    this.ctx.scope.lists.invalidate();
  }

  private async events(call: Call): Promise<void> {
    const { scope } = this.ctx;
    // The client's own filters narrow further (checked, re-encoded); ownership is decided here, line by line.
    const query = new Map(call.target.query);
    const clientFilters = query.get('filters');
    if (clientFilters !== undefined) query.set('filters', JSON.stringify(parseFilters(clientFilters)));
    await this.streamThrough(call, this.path(call, undefined, query), async (line) => {
      if (line.trim() === '') return undefined;
      let event: JsonValue;
      try {
        event = JSON.parse(line) as JsonValue;
      } catch {
        return undefined;
      }
      if (eventIsOwned(event, scope)) return line;
      if (eventMayBePending(event, scope)) {
        await scope.settled();
        if (eventIsOwned(event, scope)) return line;
      }
      return undefined;
    });
  }

  private trimNetwork(value: JsonValue): JsonValue {
    if (isJsonObject(value) && isJsonObject(value.Containers)) {
      for (const id of Object.keys(value.Containers)) if (!this.ctx.scope.containers.has(id)) delete value.Containers[id];
    }
    return value;
  }

  private async networkList(call: Call): Promise<void> {
    const query = new Map(call.target.query);
    query.set('filters', scopedFilters(query.get('filters'), this.ctx.scope.id));
    await this.forward(call, this.path(call, undefined, query), (list) =>
      filterOwned(list, (n) => this.ctx.scope.networks.has(n.Id as string)).map((n) => this.trimNetwork(n)),
    );
  }

  private async onNetwork(call: Call, then: (call: Call, id: string) => Promise<void>): Promise<void> {
    const ref = call.match.params.id!;
    const id = this.ctx.scope.resolveNetwork(ref);
    if (!id) throw forbidden(`no network "${ref}" was created through this socket's scope`);
    await then(call, id);
  }

  private async networkCreate(call: Call): Promise<void> {
    const { scope, key, limits } = this.ctx;
    const body = buildNetworkCreateBody(parseJsonObjectBody(call.request.body), this.ctx.labels);
    if (scope.createdBy(key).networks.length >= limits.maxNetworks) throw forbidden(`this socket already has ${limits.maxNetworks} networks (the limit)`);
    const res = await scope.track(this.ctx.upstream.request({ method: 'POST', path: this.path(call), body: Buffer.from(JSON.stringify(body)) }));
    if (res.status === 201) {
      const id = (JSON.parse(res.body.toString('utf8')) as JsonObject).Id;
      if (typeof id === 'string') scope.networks.set(id, { id, name: body.Name as string, creatorKey: key });
      this.ctx.onCreated();
    }
    await this.send(call, res);
  }

  private async volumeList(call: Call): Promise<void> {
    const query = new Map(call.target.query);
    query.set('filters', scopedFilters(query.get('filters'), this.ctx.scope.id));
    await this.forward(call, this.path(call, undefined, query), (answer) => {
      const out: JsonObject = isJsonObject(answer) ? answer : {};
      out.Volumes = filterOwned(out.Volumes ?? [], (v) => this.ctx.scope.volumes.has(v.Name as string)).map(trimVolume);
      return out;
    });
  }

  private async onVolume(call: Call, then: (call: Call, name: string) => Promise<void>): Promise<void> {
    const name = call.match.params.id!;
    if (!this.ctx.scope.ownsVolume(name)) throw forbidden(`no volume "${name}" was created through this socket's scope`);
    await then(call, name);
  }

  /** Creating a volume whose name exists returns the existing one: the nonce label proves it is new. */
  private async volumeCreate(call: Call): Promise<void> {
    const { scope, key, limits } = this.ctx;
    const nonce = randomBytes(12).toString('hex');
    const body = buildVolumeCreateBody(parseJsonObjectBody(call.request.body), { ...this.ctx.labels, [SCOPE_LABELS.nonce]: nonce });
    if (typeof body.Name === 'string' && scope.ownsVolume(body.Name)) throw forbidden(`volume "${body.Name}" already exists in this scope`);
    if (scope.createdBy(key).volumes.length >= limits.maxVolumes) throw forbidden(`this socket already has ${limits.maxVolumes} volumes (the limit)`);
    const res = await scope.track(this.ctx.upstream.request({ method: 'POST', path: this.path(call), body: Buffer.from(JSON.stringify(body)) }));
    if (res.status === 201) {
      const created = JSON.parse(res.body.toString('utf8')) as JsonObject;
      const createdLabels = isJsonObject(created.Labels) ? created.Labels : {};
      if (createdLabels[SCOPE_LABELS.nonce] !== nonce) throw forbidden(`volume "${String(created.Name)}" already exists and was not created through this socket`);
      scope.volumes.set(created.Name as string, { name: created.Name as string, creatorKey: key });
      this.ctx.onCreated();
    }
    await this.send(call, res, trimVolume);
  }
}

/** A JSON answer body as the engine writes one: the value and a newline. */
function jsonBody(value: JsonValue): Buffer {
  return Buffer.from(`${JSON.stringify(value)}\n`);
}
