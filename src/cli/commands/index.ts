import type { CliCommand } from '../command';
import { cleanupCommand } from './cleanup';
import { deployCommand } from './deploy';
import { functionsCommand } from './functions';
import { invokeCommand } from './invoke';
import { routesCommand } from './routes';
import { serveCommand } from './serve';
import { watchCommand } from './watch';

/** Every command, in the order `lambda-dock --help` lists them. */
export const COMMANDS: CliCommand[] = [functionsCommand, deployCommand, invokeCommand, watchCommand, serveCommand, routesCommand, cleanupCommand];
