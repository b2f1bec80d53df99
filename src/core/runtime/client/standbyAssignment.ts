// A standby instance: started before anyone knew which function it would serve. Before the client loads
// anything of the function it asks the host for its assignment and takes on that function's environment,
// as if the process had been started with it. Bundled into the client that runs inside an instance.
import { Module } from 'node:module';
import { STANDBY_ENV } from './protocol';
import type { RuntimeApiClient } from './runtimeApiClient';

/** NODE_OPTIONS flags a running process can still take on (the host sends a standby no function with others). */
const LATE_NODE_OPTIONS: Record<string, () => void> = {
  '--enable-source-maps': () => process.setSourceMapsEnabled(true),
};

/** Waits for the assignment when this process is a standby; otherwise returns at once. */
export async function awaitAssignment(api: RuntimeApiClient): Promise<void> {
  if (!process.env[STANDBY_ENV]) return;
  const { environment } = await api.assignment();
  applyEnvironment(environment);
}

export function applyEnvironment(environment: Record<string, string>): void {
  delete process.env[STANDBY_ENV];
  const nodePath = process.env.NODE_PATH;
  for (const [name, value] of Object.entries(environment)) process.env[name] = value;
  for (const flag of (process.env.NODE_OPTIONS ?? '').split(/\s+/)) LATE_NODE_OPTIONS[flag]?.();
  // require() read NODE_PATH when the process started.
  if (process.env.NODE_PATH !== nodePath) (Module as unknown as { _initPaths(): void })._initPaths();
}
