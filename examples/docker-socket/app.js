'use strict';
// A function that uses its scoped Docker socket: it starts a helper container, waits for it, reads its
// output and removes it. No npm dependencies: the Engine API over the unix socket with node:http.
const http = require('node:http');

const API = '/v1.41';

function socketPath() {
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) throw new Error(`DOCKER_HOST must be a unix:// socket, got ${host}`);
  return host.slice('unix://'.length);
}

function engine(method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        socketPath: socketPath(),
        method,
        path: API + path,
        headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function expect(status, method, path, body) {
  const res = await engine(method, path, body);
  if (res.status !== status) {
    let message = res.body.toString('utf8');
    try {
      message = JSON.parse(message).message;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`${method} ${path}: ${res.status} ${message}`);
  }
  return res.body;
}

/** Logs of a container without a TTY come multiplexed: an 8-byte header (stream, size) per frame. */
function demultiplex(buffer) {
  const out = { stdout: '', stderr: '' };
  let pos = 0;
  while (pos + 8 <= buffer.length) {
    const stream = buffer[pos];
    const size = buffer.readUInt32BE(pos + 4);
    const text = buffer.subarray(pos + 8, pos + 8 + size).toString('utf8');
    if (stream === 2) out.stderr += text;
    else out.stdout += text;
    pos += 8 + size;
  }
  return out;
}

/** With no image named, a Node.js image Lambda Dock runs functions on: there is one wherever this function runs. */
async function nodeImage() {
  const images = JSON.parse((await expect(200, 'GET', '/images/json')).toString('utf8'));
  const tags = images.flatMap((image) => image.RepoTags || []);
  const found = tags.find((tag) => tag.includes('lambda-dock/nodejs-local:')) || tags.find((tag) => tag.startsWith('public.ecr.aws/lambda/nodejs:'));
  if (!found) throw new Error('no Node.js image on this engine: give the helper image as event.image or HELPER_IMAGE');
  return found;
}

exports.handler = async (event = {}) => {
  const named = event.image || process.env.HELPER_IMAGE;
  const image = named || (await nodeImage());
  const body = named
    ? { Image: image, Cmd: Array.isArray(event.command) ? event.command : ['echo', 'hello from a helper container'] }
    : { Image: image, Entrypoint: ['node', '-e', 'console.log(`hello from a helper container running Node.js ${process.version}`)'] };

  const created = JSON.parse((await expect(201, 'POST', '/containers/create', { ...body, Labels: { purpose: 'helper' } })).toString('utf8'));
  const id = created.Id;
  if (event.detach) {
    // Left running on purpose: the socket's teardown removes it with the instance.
    await expect(204, 'POST', `/containers/${id}/start`);
    return { image, id, detached: true };
  }
  try {
    await expect(204, 'POST', `/containers/${id}/start`);
    const waited = JSON.parse((await expect(200, 'POST', `/containers/${id}/wait`)).toString('utf8'));
    const logs = demultiplex(await expect(200, 'GET', `/containers/${id}/logs?stdout=1&stderr=1`));
    return { image, exitCode: waited.StatusCode, output: logs.stdout, errors: logs.stderr };
  } finally {
    await engine('DELETE', `/containers/${id}?force=1&v=1`);
  }
};
