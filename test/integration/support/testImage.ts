import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as tar from 'tar-stream';
import { engineRequest, engineSocketPath } from './socketEngine';

/** A tiny local image (a static busybox), built here because no registry is reachable. */
export const TEST_IMAGE = 'lambda-dock-test/busybox:1';
export const TEST_SESSION_LABEL = 'lambda-dock.session';

const APPLETS = ['sh', 'echo', 'cat', 'sleep', 'ls', 'true', 'false', 'env', 'id', 'printf', 'wc', 'head'];

function findBusybox(): string {
  for (const candidate of ['/bin/busybox', '/usr/bin/busybox']) {
    if (fs.existsSync(candidate) && isStatic(candidate)) return candidate;
  }
  if (process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get')) {
    execFileSync('apt-get', ['install', '-y', '-qq', 'busybox-static'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (fs.existsSync('/bin/busybox')) return '/bin/busybox';
  }
  throw new Error('the integration tests need a static busybox: apt-get install busybox-static');
}

function isStatic(file: string): boolean {
  try {
    const out = execFileSync('ldd', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /not a dynamic executable|statically linked/.test(out);
  } catch (error) {
    // ldd exits non-zero for a static binary.
    return /not a dynamic executable/.test(String((error as { stderr?: string }).stderr ?? ''));
  }
}

const ensured = new Map<string, Promise<string>>();

/** Imports the test image once per engine (idempotent: an existing tag is kept). Docker's by default. */
export function ensureTestImage(socketPath = engineSocketPath()): Promise<string> {
  let image = ensured.get(socketPath);
  if (!image) {
    image = build(socketPath);
    ensured.set(socketPath, image);
  }
  return image;
}

async function build(socketPath: string): Promise<string> {
  const existing = await engineRequest('GET', `/images/${TEST_IMAGE}/json`, undefined, socketPath);
  if (existing.status === 200) return TEST_IMAGE;

  const busybox = fs.readFileSync(findBusybox());
  const pack = tar.pack();
  for (const dir of ['bin', 'tmp', 'etc', 'proc', 'sys', 'dev', 'var', 'var/run']) pack.entry({ name: dir, type: 'directory', mode: 0o755 });
  pack.entry({ name: 'bin/busybox', mode: 0o755 }, busybox);
  for (const applet of APPLETS) pack.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
  pack.finalize();

  // repo carries the tag: Podman's compatible API ignores a separate tag parameter.
  const query = new URLSearchParams({ fromSrc: '-', repo: TEST_IMAGE });
  query.append('changes', `LABEL ${TEST_SESSION_LABEL}=lambda-dock-tests`);
  query.append('changes', 'ENV PATH=/bin');
  query.append('changes', 'CMD ["sh"]');
  await new Promise<void>((resolve, reject) => {
    const req = http.request({ socketPath, method: 'POST', path: `/images/create?${query}`, headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => (res.statusCode === 200 && !text.includes('"error"') ? resolve() : reject(new Error(`image import failed: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    pack.pipe(req);
  });
  return TEST_IMAGE;
}
