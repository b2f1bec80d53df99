import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaDockError } from '../errors';
import { API_ERROR_CODES } from './errors';

/** Listens on host:port (0: an ephemeral port) and resolves with the bound port, or a message to act on. */
export function listen(server: Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new LambdaDockError(
            API_ERROR_CODES.portInUse,
            `Port ${port} on ${host} is in use, so ${what} cannot listen there: stop what uses it or choose another port`,
            { cause: error },
          ),
        );
      } else {
        reject(new LambdaDockError(API_ERROR_CODES.listenFailed, `${what} cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
      }
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
