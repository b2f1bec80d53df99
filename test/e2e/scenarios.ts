// The editor runs of the e2e suite: each opens the fixture in a fresh VS Code set up one way and runs the
// suite files meant for that setup. `default` runs test/e2e/suite/*.test.ts; any other runs
// test/e2e/suite/scenarios/<name>/*.test.ts.

export interface Scenario {
  name: string;
  /** What it shows, for the runner's output. */
  about: string;
  /** User settings on top of the runner's own (no welcome page, no telemetry...). */
  userSettings?: Record<string, unknown>;
  /** Environment of code-server, and so of the extension host. */
  env?: Record<string, string>;
  /** Workspace trust on: the fixture opens untrusted (restricted mode) and stays so. */
  untrusted?: boolean;
  /** The fixture it opens (test/e2e/fixtures/NAME), when not `hello`. */
  fixture?: string;
}

export const SCENARIOS: Record<string, Scenario> = {
  debug: {
    name: 'debug',
    about: 'step-through debugging with VS Code\'s JavaScript debugger: a TypeScript function, AWS\'s runtime client, launch.json, Stop',
    fixture: 'debug',
  },
  default: { name: 'default', about: 'a trusted workspace and the machine\'s Docker engine' },
  'no-engine': {
    name: 'no-engine',
    about: 'no container engine reachable (DOCKER_HOST names a socket nobody listens on)',
    env: { DOCKER_HOST: 'unix:///nonexistent/lambda-dock-e2e/docker.sock' },
  },
  untrusted: {
    name: 'untrusted',
    about: 'an untrusted workspace (workspace trust on, the fixture never trusted)',
    untrusted: true,
    userSettings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false },
  },
};

export function scenarioNamed(name: string): Scenario {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`no e2e scenario ${name}: use one of ${Object.keys(SCENARIOS).join(', ')}`);
  return scenario;
}

/** The suite files a scenario runs, relative to the suite folder. */
export function scenarioFiles(files: string[], name: string): string[] {
  const prefix = `scenarios/${name}/`;
  return name === 'default' ? files.filter((f) => !f.startsWith('scenarios/')) : files.filter((f) => f.startsWith(prefix));
}
