import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaDockError } from '../errors';
import { ENGINE_ERRORS } from './errors';

/** Where a custom runtime's bootstrap is: the code's own, else a layer's, as Lambda looks for it. */
export interface BootstrapLocation {
  /** The file on the host. */
  hostPath: string;
  /** The same file inside an instance: /var/task/bootstrap or /opt/bootstrap. */
  instancePath: string;
}

/**
 * Finds the bootstrap, or throws what Lambda reports for its absence (Runtime.InvalidEntrypoint, an init
 * error of the invocation) with a log line that says how to fix it.
 */
export function findBootstrap(functionName: string, codeDir: string | undefined, layersDir: string | undefined): BootstrapLocation {
  const candidates: BootstrapLocation[] = [];
  if (codeDir) candidates.push({ hostPath: path.join(codeDir, 'bootstrap'), instancePath: '/var/task/bootstrap' });
  if (layersDir) candidates.push({ hostPath: path.join(layersDir, 'bootstrap'), instancePath: '/opt/bootstrap' });
  for (const candidate of candidates) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(candidate.hostPath);
    } catch {
      continue;
    }
    if (!stat.isFile() || (stat.mode & 0o111) === 0) {
      throw invalidEntrypoint(
        `Error: fork/exec ${candidate.instancePath}: permission denied`,
        `${functionName}: ${candidate.hostPath} is not an executable file; make it one (chmod +x bootstrap)`,
      );
    }
    return candidate;
  }
  throw invalidEntrypoint(
    "Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]",
    `${functionName}: a custom runtime needs an executable named bootstrap at the root of its code or of a layer; build it there (for Go: GOOS=linux go build -o bootstrap)`,
  );
}

function invalidEntrypoint(errorMessage: string, hint: string): LambdaDockError {
  return Object.assign(new LambdaDockError(ENGINE_ERRORS.bootstrapMissing, hint), {
    lambdaError: { errorType: 'Runtime.InvalidEntrypoint', errorMessage },
    output: `${hint}\n`,
  });
}
