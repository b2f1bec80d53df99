import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';
import { ensureLocalPythonImage } from '../../../src/core/engine/localPythonImage';
import { hostPython } from '../../../src/core/engine/hostPython';
import { awsRicCacheRoot, sharedLibraries } from './awsRicImage';
import { filesUnder, OFFICIAL_ENTRYPOINT_SCRIPT } from './officialEntrypoint';

/**
 * A stand-in for an official Python image (public.ecr.aws/lambda/python:3.N, N the host's Python), which cannot
 * be pulled here, laid out as those images are: the interpreter as /var/lang/bin/python3.N with its standard
 * library under /var/lang/lib, boto3 (at a release of its own, BOTO3_RELEASE) in /var/runtime, and
 * /lambda-entrypoint.sh running /var/runtime/bootstrap. AWS's own client (awslambdaric) is not in it: pip here
 * reaches a mirror without it, so /var/runtime/bootstrap has nothing to start and only Lambda Dock's client runs
 * functions in this image.
 *
 * Made from the local Python image (the interpreter and standard library), with our client taken out and the
 * official layout added, then committed under a tag that names what went in. Used through runtimeImages.
 */
export const BOTO3_RELEASE = '1.43.107';
const RECIPE_VERSION = '1';
export const OFFICIAL_PYTHON_IMAGE_REPO = 'lambda-dock-test/lambda-python';


const bootstrapScript = (version: string) => `#!/bin/sh
# Stand-in for the python${version} runtime's bootstrap: AWS's client would be /var/runtime/bootstrap.py (absent here).
export AWS_EXECUTION_ENV=AWS_Lambda_python${version}
exec /var/lang/bin/python${version} /var/runtime/bootstrap.py
`;

export interface OfficialPythonImage {
  tag: string;
  pythonVersion: string;
  boto3Release: string;
}

/** Builds the image unless the engine has it; boto3 is installed once into the test cache. */
export async function ensureOfficialPythonImage(docker: Docker, log: (line: string) => void = () => undefined): Promise<OfficialPythonImage> {
  const python = await hostPython();
  const base = await ensureLocalPythonImage(docker, 'official-python-stand-in', python);
  const hash = createHash('sha256').update([RECIPE_VERSION, base, BOTO3_RELEASE, OFFICIAL_ENTRYPOINT_SCRIPT, bootstrapScript(python.version)].join('\0')).digest('hex');
  const tag = `${OFFICIAL_PYTHON_IMAGE_REPO}:${python.version}-${hash.slice(0, 12)}`;
  const image = { tag, pythonVersion: python.version, boto3Release: BOTO3_RELEASE };
  try {
    await docker.getImage(tag).inspect();
    return image;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  const boto3 = await ensureBoto3Install(log);
  // Our client leaves the image: the stand-in's /var/runtime holds what the official one's does, less awslambdaric.
  const builder = await docker.createContainer({
    Image: base,
    Entrypoint: ['/var/lang/bin/python3', '-c', 'import os; os.remove("/var/runtime/bootstrap.py")'],
    Labels: { 'lambda-dock-test.builder': 'official-python' },
  });
  try {
    await builder.start();
    const { StatusCode } = (await builder.wait()) as { StatusCode: number };
    if (StatusCode !== 0) throw new Error(`removing our client from ${base} failed (exit ${StatusCode})`);
    await builder.putArchive(officialLayout(python.version, boto3), { path: '/' });
    const [repo, version] = tag.split(':');
    await builder.commit({
      repo,
      tag: version,
      changes: [
        'ENV PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
        'ENV TZ=:/etc/localtime',
        'WORKDIR /var/task',
        'ENTRYPOINT ["/lambda-entrypoint.sh"]',
        'CMD []',
        `LABEL lambda-dock-test.image=official-python${python.version} lambda-dock-test.boto3=${BOTO3_RELEASE}`,
      ],
    });
  } finally {
    await builder.remove({ force: true }).catch(() => undefined);
  }
  return image;
}

/** boto3 and its dependencies, as pip installs them into a folder, once per release. */
async function ensureBoto3Install(log: (line: string) => void): Promise<string> {
  const dir = path.join(awsRicCacheRoot(), `boto3-${BOTO3_RELEASE}-r${RECIPE_VERSION}`);
  if (fs.existsSync(path.join(dir, 'complete'))) return path.join(dir, 'site');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const work = fs.mkdtempSync(`${dir}.tmp-`);
  try {
    log(`pip install boto3==${BOTO3_RELEASE}...`);
    await new Promise<void>((resolve, reject) =>
      execFile('python3', ['-m', 'pip', 'install', '--quiet', '--no-compile', '--target', path.join(work, 'site'), `boto3==${BOTO3_RELEASE}`], { maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`pip install boto3==${BOTO3_RELEASE} failed: ${stderr || error.message}`)) : resolve(),
      ),
    );
    fs.writeFileSync(path.join(work, 'complete'), `${new Date().toISOString()}\n`);
    fs.renameSync(work, dir);
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'complete'))) throw error;
  }
  return path.join(dir, 'site');
}

/** The official layout's files: the entrypoint, the bootstrap, /bin/sh, python3.N beside python3, boto3 in /var/runtime. */
function officialLayout(version: string, boto3: string): NodeJS.ReadableStream {
  const shell = fs.realpathSync('/bin/sh');
  const pack = tar.pack();
  const addAll = async () => {
    const entry = (name: string, content: Buffer, mode: number) =>
      new Promise<void>((resolve, reject) => pack.entry({ name, mode, size: content.length }, content, (e) => (e ? reject(e) : resolve())));
    const made = new Set<string>();
    const mkdir = (dir: string) => {
      const parts = dir.split('/').filter(Boolean);
      for (let i = 1; i <= parts.length; i++) {
        const name = parts.slice(0, i).join('/');
        if (made.has(name)) continue;
        made.add(name);
        pack.entry({ name, type: 'directory', mode: 0o755 });
      }
    };
    await entry('lambda-entrypoint.sh', Buffer.from(OFFICIAL_ENTRYPOINT_SCRIPT), 0o755);
    mkdir('/var/runtime');
    await entry('var/runtime/bootstrap', Buffer.from(bootstrapScript(version)), 0o755);
    mkdir('/bin');
    await entry('bin/sh', await fs.promises.readFile(shell), 0o755);
    for (const lib of sharedLibraries(shell)) {
      mkdir(path.posix.dirname(lib));
      await entry(lib.slice(1), await fs.promises.readFile(fs.realpathSync(lib)), 0o755);
    }
    pack.entry({ name: `var/lang/bin/python${version}`, type: 'symlink', linkname: 'python3' });
    for (const file of filesUnder(boto3, new Set(['bin', '__pycache__']))) {
      const target = `var/runtime/${file}`;
      mkdir(path.posix.dirname(`/${target}`));
      await entry(target, await fs.promises.readFile(path.join(boto3, file)), 0o644);
    }
    pack.finalize();
  };
  addAll().catch((error: unknown) => pack.destroy(error as Error));
  return pack as unknown as NodeJS.ReadableStream;
}
