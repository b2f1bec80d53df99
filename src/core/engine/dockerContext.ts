import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseEngineHost, readTlsFiles, type EngineAddress } from './engineAddress';
import { badDockerContext } from './errors';

export interface DockerContextChoice {
  name: string;
  address: EngineAddress;
  /** Where the name came from: 'DOCKER_CONTEXT' or the config file's path. */
  from: string;
}

/**
 * The Docker context the docker client would use (`docker context use`): DOCKER_CONTEXT, else the
 * config's currentContext. Undefined for none or "default" (which is DOCKER_HOST or the default socket).
 * Its endpoint is in contexts/meta/<sha256(name)>/meta.json and its TLS files in contexts/tls/<same>/docker.
 */
export function currentDockerContext(env: NodeJS.ProcessEnv): DockerContextChoice | undefined {
  const configDir = env.DOCKER_CONFIG || path.join(env.HOME ?? os.homedir(), '.docker');
  const configFile = path.join(configDir, 'config.json');
  let name = env.DOCKER_CONTEXT;
  let from = 'DOCKER_CONTEXT';
  if (!name) {
    name = readJson(configFile)?.currentContext as string | undefined;
    from = configFile;
  }
  if (!name || name === 'default') return undefined;

  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = path.join(configDir, 'contexts', 'meta', id, 'meta.json');
  const meta = readJson(metaFile);
  if (!meta) throw badDockerContext(name, from, `it has no ${metaFile}: see \`docker context ls\``);
  const endpoint = (meta.Endpoints as Record<string, { Host?: string; SkipTLSVerify?: boolean }> | undefined)?.docker;
  if (!endpoint?.Host) throw badDockerContext(name, from, `${metaFile} names no docker endpoint`);

  const address = parseEngineHost(endpoint.Host, {});
  if (address.transport === 'tcp') {
    const tls = readTlsFiles(path.join(configDir, 'contexts', 'tls', id, 'docker'));
    // A context made with --docker "host=...,ca=...,cert=...,key=..." keeps its TLS files there; without them it is plain TCP.
    if (Object.keys(tls).length > 0) address.tls = { ...tls, verify: !endpoint.SkipTLSVerify };
  }
  return { name, address, from };
}

function readJson(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
