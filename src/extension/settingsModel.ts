// The extension's settings as one typed record, read and compared without VS Code (see settings.ts).

export type EngineChoice = 'auto' | 'docker' | 'podman';
export type CleanupStaleChoice = 'ask' | 'always' | 'never';
export type OfficialImageClientChoice = 'lambda-dock' | 'aws';

export interface LambdaDockSettings {
  engine: EngineChoice;
  dockerHost: string;
  deployOnSave: boolean;
  idleTimeoutSeconds: number;
  maxConcurrencyPerFunction: number;
  prewarm: boolean;
  /** Started, generic instances kept waiting per runtime image (standby sandboxes); 0: none. */
  standbyInstances: number;
  /** 0: the Invoke API is off. */
  invokeApiPort: number;
  /** The HTTP APIs' port (started on first use); 0: a free port. */
  apiPort: number;
  runtimeImages: Record<string, string>;
  /** Who runs functions in the official images: our runtime client (standby instances, exact logs) or AWS's. */
  officialImageClient: OfficialImageClientChoice;
  cleanupStaleOnStart: CleanupStaleChoice;
  /** SAM's --env-vars file (absolute, or relative to the workspace folder); '' for none. */
  envVarsFile: string;
}

export const DEFAULT_SETTINGS: LambdaDockSettings = {
  engine: 'auto',
  dockerHost: '',
  deployOnSave: true,
  idleTimeoutSeconds: 300,
  maxConcurrencyPerFunction: 10,
  prewarm: false,
  standbyInstances: 2,
  invokeApiPort: 0,
  apiPort: 3000,
  runtimeImages: {},
  officialImageClient: 'lambda-dock',
  cleanupStaleOnStart: 'ask',
  envVarsFile: '',
};

/** The long-lived services a setting belongs to: a change restarts only these. */
export type SettingsService = 'host' | 'deployOnSave' | 'invokeApi' | 'discovery' | 'apiGateway';

const SERVICE_OF: Record<keyof LambdaDockSettings, SettingsService | undefined> = {
  engine: 'host',
  dockerHost: 'host',
  idleTimeoutSeconds: 'host',
  maxConcurrencyPerFunction: 'host',
  standbyInstances: 'host',
  runtimeImages: 'host',
  officialImageClient: 'host',
  deployOnSave: 'deployOnSave',
  invokeApiPort: 'invokeApi',
  envVarsFile: 'discovery',
  apiPort: 'apiGateway',
  // Read when used: the next deploy, the next activation.
  prewarm: undefined,
  cleanupStaleOnStart: undefined,
};

/** Builds the typed record from a getter (VS Code's configuration, or a test's object), fixing bad values. */
export function readSettings(get: (key: keyof LambdaDockSettings) => unknown): LambdaDockSettings {
  const engine = get('engine');
  const cleanup = get('cleanupStaleOnStart');
  return {
    engine: engine === 'docker' || engine === 'podman' ? engine : 'auto',
    dockerHost: typeof get('dockerHost') === 'string' ? (get('dockerHost') as string).trim() : '',
    deployOnSave: typeof get('deployOnSave') === 'boolean' ? (get('deployOnSave') as boolean) : DEFAULT_SETTINGS.deployOnSave,
    idleTimeoutSeconds: positiveInteger(get('idleTimeoutSeconds'), DEFAULT_SETTINGS.idleTimeoutSeconds),
    maxConcurrencyPerFunction: positiveInteger(get('maxConcurrencyPerFunction'), DEFAULT_SETTINGS.maxConcurrencyPerFunction),
    prewarm: get('prewarm') === true,
    standbyInstances: nonNegativeInteger(get('standbyInstances'), DEFAULT_SETTINGS.standbyInstances),
    invokeApiPort: port(get('invokeApiPort')),
    apiPort: get('apiPort') === undefined ? DEFAULT_SETTINGS.apiPort : port(get('apiPort')),
    runtimeImages: stringRecord(get('runtimeImages')),
    officialImageClient: get('officialImageClient') === 'aws' ? 'aws' : 'lambda-dock',
    cleanupStaleOnStart: cleanup === 'always' || cleanup === 'never' ? cleanup : 'ask',
    envVarsFile: typeof get('envVarsFile') === 'string' ? (get('envVarsFile') as string).trim() : '',
  };
}

/** The services whose settings differ between two records. */
export function affectedServices(before: LambdaDockSettings, after: LambdaDockSettings): Set<SettingsService> {
  const affected = new Set<SettingsService>();
  for (const key of Object.keys(SERVICE_OF) as Array<keyof LambdaDockSettings>) {
    const service = SERVICE_OF[key];
    if (service && JSON.stringify(before[key]) !== JSON.stringify(after[key])) affected.add(service);
  }
  return affected;
}

function positiveInteger(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function nonNegativeInteger(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

function port(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535 ? value : 0;
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
}
