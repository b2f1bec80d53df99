import * as assert from 'node:assert/strict';
import Docker from 'dockerode';
import { LABELS } from '../../../src/core/engine/backend';
import { INSTANCE_NETWORK } from '../../../src/core/engine/instanceNetwork';
import type { Logger } from '../../../src/core/log';
import type { FunctionHost } from '../../../src/core/runtime/functionHost';
import { json, makeFunction, parse } from './engine';

/**
 * What an attacker does to a Runtime API it can reach: poll for the next invocation and answer it with a
 * forged result. One JSON line per attempt: {"error": code} when the connection is cut, {"status": n} for
 * an answer that is not an invocation, {"got": requestId, "posted": status} for a stolen invocation.
 */
export const ATTACKER = `
const http = require('http');
const api = process.env.TARGET;
let attempt = 0;
function post(id) {
  return new Promise((resolve) => {
    const body = '{"hijacked":true}';
    const req = http.request('http://' + api + '/2018-06-01/runtime/invocation/' + id + '/response', { method: 'POST', agent: false, headers: { 'Content-Length': body.length } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', (e) => resolve(e.code || String(e)));
    req.end(body);
  });
}
function once() {
  return new Promise((resolve) => {
    const req = http.get('http://' + api + '/2018-06-01/runtime/invocation/next', { agent: false }, (res) => {
      res.resume();
      res.on('end', async () => {
        const id = res.headers['lambda-runtime-aws-request-id'];
        resolve(id ? { got: id, posted: await post(id) } : { status: res.statusCode });
      });
    });
    req.setTimeout(3000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => resolve({ error: e.code || String(e) }));
  });
}
(async () => {
  for (;;) {
    const outcome = await once();
    console.log(JSON.stringify({ attempt: ++attempt, ...outcome }));
    await new Promise((r) => setTimeout(r, 20));
  }
})();
`;

/**
 * A function with a scoped Docker socket that, asked to, starts the attacker through its socket (and says
 * what the socket answered to joining the instances' network or the victim's namespace), or polls the
 * victim's Runtime API itself, from its own instance.
 */
export function socketFunction(name: string, ulimits: unknown[]) {
  return makeFunction(name, {
    'app.js': `
const http = require('http');
const socketPath = process.env.DOCKER_HOST.slice('unix://'.length);
function engine(method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request({ socketPath, method, path: '/v1.41' + path, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
function poll(api) {
  return new Promise((resolve) => {
    const req = http.get('http://' + api + '/2018-06-01/runtime/invocation/next', { agent: false }, (res) => { res.resume(); resolve({ status: res.statusCode }); });
    req.setTimeout(3000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => resolve({ error: e.code }));
  });
}
exports.handler = async (event) => {
  if (event.poll) return poll(event.poll);
  const base = { Image: event.image, Entrypoint: ['/usr/local/bin/node', '-e', event.script], Env: ['TARGET=' + event.target], HostConfig: { Ulimits: ${JSON.stringify(ulimits)} } };
  const onInstances = await engine('POST', '/containers/create', { ...base, HostConfig: { ...base.HostConfig, NetworkMode: ${JSON.stringify(INSTANCE_NETWORK)} } });
  const inVictim = await engine('POST', '/containers/create', { ...base, HostConfig: { ...base.HostConfig, NetworkMode: 'container:' + event.victim } });
  const created = await engine('POST', '/containers/create', base);
  if (created.status !== 201) throw new Error('create: ' + created.status + ' ' + created.text);
  const id = JSON.parse(created.text).Id;
  const started = await engine('POST', '/containers/' + id + '/start');
  if (started.status !== 204) throw new Error('start: ' + started.status + ' ' + started.text);
  return { id, refused: [onInstances.status, inVictim.status] };
};`,
  }, { dockerSocket: true, timeoutSeconds: 30 });
}

export const victimFunction = (name: string) =>
  makeFunction(name, { 'app.js': 'exports.handler = async (event) => ({ mine: true, n: event.n });' }, { timeoutSeconds: 10 });

/** A log that keeps every line. */
export function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (m: string) => void lines.push(m);
  return { debug: keep, info: keep, warn: keep, error: keep, lines };
}

export interface Attacker {
  name: string;
  id: string;
  engine: Docker;
}

export interface AttackerOutcome {
  attempts: number;
  stolen: string[];
  answered: number[];
  errors: string[];
}

/** The attacker's lines so far (docker logs: 8-byte frame headers). */
export async function attackerOutcome(attacker: Attacker): Promise<AttackerOutcome> {
  const raw = (await attacker.engine.getContainer(attacker.id).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const lines: string[] = [];
  for (let pos = 0; pos + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(pos + 4);
    lines.push(...raw.subarray(pos + 8, pos + 8 + size).toString('utf8').split('\n'));
    pos += 8 + size;
  }
  const outcome: AttackerOutcome = { attempts: 0, stolen: [], answered: [], errors: [] };
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { got?: string; status?: number; error?: string };
    outcome.attempts += 1;
    if (entry.got) outcome.stolen.push(entry.got);
    if (entry.status) outcome.answered.push(entry.status);
    if (entry.error) outcome.errors.push(entry.error);
  }
  return outcome;
}

/** Starts the attacker on the engine by hand, as a user would (default capabilities, NET_RAW included). */
export async function startAttacker(engine: Docker, options: { name: string; image: string; target: string; network: string; session: string; ulimits: Docker.HostConfig['Ulimits'] }): Promise<Attacker> {
  const container = await engine.createContainer({
    Image: options.image,
    Entrypoint: ['/usr/local/bin/node', '-e', ATTACKER],
    Env: [`TARGET=${options.target}`],
    Labels: { [LABELS.session]: options.session },
    HostConfig: { NetworkMode: options.network, Ulimits: options.ulimits },
  });
  await container.start();
  return { name: options.name, id: container.id, engine };
}

export async function addressOf(engine: Docker, id: string): Promise<string> {
  const info = await engine.getContainer(id).inspect();
  const address = Object.values(info.NetworkSettings.Networks).map((n) => n.IPAddress).find(Boolean);
  assert.ok(address, `container ${id} has an address`);
  return address;
}

/**
 * Invokes the victim until every attacker has tried at least `attempts` times while invocations were
 * arriving; every caller must get the function's own result.
 */
export async function invokeWhileAttacked(host: FunctionHost, victim: string, attackers: Attacker[], attempts = 15): Promise<number> {
  const before = new Map<string, number>();
  for (const attacker of attackers) before.set(attacker.id, (await attackerOutcome(attacker)).attempts);
  let invocations = 0;
  const deadline = Date.now() + 90_000;
  for (;;) {
    for (let i = 0; i < 5; i++) {
      const n = ++invocations;
      const result = await host.invoke(victim, json({ n }));
      assert.equal(result.status, 'ok', result.payload.toString());
      assert.deepEqual(parse(result.payload), { mine: true, n }, `invocation ${n} got the function's own result`);
    }
    const counts = await Promise.all(attackers.map(async (a) => (await attackerOutcome(a)).attempts - (before.get(a.id) ?? 0)));
    if (counts.every((c) => c >= attempts)) return invocations;
    if (Date.now() > deadline) throw new Error(`the attackers did not try ${attempts} times each while invocations arrived: ${attackers.map((a, i) => `${a.name} ${counts[i]}`).join(', ')}`);
  }
}
