import { execFile } from 'node:child_process';
import { errorMessage } from '../errors';
import { NPM_ERRORS, npmError } from './errors';

// The npm registry through the user's own npm client (its registry, proxy and credentials settings apply).

/** Quiet, non-interactive, nothing written to a package.json or lock file, no install scripts. */
const QUIET = ['--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error', '--ignore-scripts'];

export interface NpmRunOptions {
  cwd: string;
  signal?: AbortSignal;
}

/** Runs `npm ARGS`; rejects with npm's own last lines when it fails, or NPM_UNAVAILABLE when there is no npm. */
export function runNpm(args: string[], options: NpmRunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      [...args, ...QUIET],
      { cwd: options.cwd, signal: options.signal, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, npm_config_yes: 'true' } },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(npmError(NPM_ERRORS.unavailable, 'npm is not on PATH: install Node.js with npm, or put npm on the PATH the editor or CLI starts with'));
        }
        const tail = `${stderr || stdout || errorMessage(error)}`.trim().split('\n').filter((line) => !/^npm (error|ERR!) (A complete log|\s*$)/.test(line)).slice(-6).join('\n');
        reject(npmError(NPM_ERRORS.failed, `npm ${args.join(' ')} failed: ${tail}`, error));
      },
    );
  });
}

/** The newest published version of a package within a major version (`npm view PKG@MAJOR version`). */
export async function latestVersionOfMajor(pkg: string, major: number, options: NpmRunOptions): Promise<string> {
  const output = await runNpm(['view', `${pkg}@${major}`, 'version', '--json'], options);
  const parsed = JSON.parse(output || '[]') as string | string[];
  const versions = (Array.isArray(parsed) ? parsed : [parsed]).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  if (!versions.length) throw npmError(NPM_ERRORS.failed, `the npm registry has no ${pkg}@${major}`);
  return versions.sort(compareVersions).at(-1)!;
}

/** Installs packages (exact specs) into DIR/node_modules without touching any package.json. */
export async function installPackages(dir: string, specs: string[], options: { signal?: AbortSignal } = {}): Promise<void> {
  await runNpm(['install', '--no-save', '--no-package-lock', '--omit=dev', '--prefix', dir, ...specs], { cwd: dir, signal: options.signal });
}

/** Numeric comparison of x.y.z versions. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
