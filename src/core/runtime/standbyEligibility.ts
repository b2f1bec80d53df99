import type { FunctionDefinition } from '../functions/definition';
import { isNodeRuntime, isPythonRuntime } from '../engine/images';

/** The /tmp size a standby is made with (Lambda's default): a function that asks for another starts its own instance. */
export const STANDBY_EPHEMERAL_STORAGE_MB = 512;

/** NODE_OPTIONS flags our client applies after start (see client/standbyAssignment). */
const LATE_NODE_OPTIONS = new Set(['--enable-source-maps']);

/** Variables the interpreter or the loader read once, when the process starts: a process started without them cannot take them on. */
const PYTHON_READ_AT_START = /^PYTHON|^LD_PRELOAD$|^LD_LIBRARY_PATH$/;
const NODE_READ_AT_START = [
  'NODE_EXTRA_CA_CERTS',
  'NODE_ICU_DATA',
  'NODE_NO_WARNINGS',
  'NODE_PENDING_DEPRECATION',
  'NODE_PRESERVE_SYMLINKS',
  'NODE_REDIRECT_WARNINGS',
  'NODE_V8_COVERAGE',
  'NODE_COMPILE_CACHE',
  'NODE_DISABLE_COMPILE_CACHE',
  'NODE_REPL_EXTERNAL_MODULE',
  'NODE_SKIP_PLATFORM_CHECK',
  'UV_THREADPOOL_SIZE',
  'UV_USE_IO_URING',
  'OPENSSL_CONF',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
];

/**
 * Why a function cannot run on a standby (a process started before its environment was known), or
 * undefined when it can: Node.js and Python functions whose environment the running process can still take
 * on in full, with Lambda's /tmp size (and an image whose client takes assignments: ImageResolver.takesAssignment). Anything else starts its own instance, as before.
 */
export function standbyIneligibility(definition: Pick<FunctionDefinition, 'runtime' | 'image' | 'ephemeralStorageMB' | 'environment'>): string | undefined {
  if (definition.image) return 'an image function runs its own entrypoint';
  if (!isNodeRuntime(definition.runtime) && !isPythonRuntime(definition.runtime)) return `standbys run our Node.js and Python runtime clients, not ${definition.runtime ?? 'this runtime'}`;
  if (definition.ephemeralStorageMB !== STANDBY_EPHEMERAL_STORAGE_MB) return `its /tmp is ${definition.ephemeralStorageMB} MB, standbys have ${STANDBY_EPHEMERAL_STORAGE_MB} MB`;
  const environment = definition.environment ?? {};
  if (isPythonRuntime(definition.runtime)) {
    const atStart = Object.keys(environment).filter((name) => PYTHON_READ_AT_START.test(name));
    return atStart.length > 0 ? `${atStart.join(', ')} ${atStart.length > 1 ? 'are' : 'is'} read only when python starts` : undefined;
  }
  const early = (environment.NODE_OPTIONS ?? '').split(/\s+/).filter((flag) => flag && !LATE_NODE_OPTIONS.has(flag));
  if (early.length > 0) return `NODE_OPTIONS ${early.join(' ')} applies only when node starts`;
  const atStart = NODE_READ_AT_START.filter((name) => environment[name] !== undefined);
  if (atStart.length > 0) return `${atStart.join(', ')} ${atStart.length > 1 ? 'are' : 'is'} read only when node starts`;
  return undefined;
}
