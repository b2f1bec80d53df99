import * as https from 'node:https';
import Docker from 'dockerode';
import type { EngineAddress } from './engineAddress';
import { SshDialAgent } from './sshAgent';

/** A dockerode client for an engine address: a socket, TCP (TLS when asked for) or ssh's dial-stdio. */
export function createEngineClient(address: EngineAddress, env: NodeJS.ProcessEnv = process.env): Docker {
  switch (address.transport) {
    case 'unix':
      return new Docker({ socketPath: address.socketPath });
    case 'tcp': {
      const { tls } = address;
      if (!tls) return new Docker({ host: address.host, port: address.port, protocol: 'http' });
      // docker-modem passes no rejectUnauthorized of its own: the agent carries it (DOCKER_TLS trusts any certificate).
      const agent = new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.verify });
      return new Docker({ host: address.host, port: address.port, protocol: 'https', ca: tls.ca, cert: tls.cert, key: tls.key, agent } as Docker.DockerOptions);
    }
    case 'ssh':
      // The host name is never dialled: every connection is the agent's ssh process.
      return new Docker({ host: 'docker', port: 80, protocol: 'http', agent: new SshDialAgent(address, env) } as Docker.DockerOptions);
  }
}

/** Closes the idle connections a client keeps (an ssh process each, for ssh://). */
export function closeEngineClient(docker: Docker): void {
  (docker.modem as unknown as { agent?: { destroy?: () => void } }).agent?.destroy?.();
}
