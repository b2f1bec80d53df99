import type { CliCommand } from '../command';
import { cleanupCommand } from './cleanup';
import { functionsCommand } from './functions';
import { invokeCommand } from './invoke';
import { serveCommand } from './serve';

/** Every command, in the order `lambda-dock --help` lists them. */
export const COMMANDS: CliCommand[] = [functionsCommand, invokeCommand, serveCommand, cleanupCommand];
