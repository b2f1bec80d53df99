// The status bar's text, tooltip and colour from the engine and deploy state (no vscode: unit-tested).
import type { EngineState } from '../engine/hostService';
import type { DeployOutcome } from '../workspace/deployService';

export interface StatusInput {
  engine: EngineState;
  deploying: boolean;
  last?: DeployOutcome;
  deployOnSave: boolean;
  /** Where the HTTP APIs listen, once started. */
  apiUrl?: string;
  /** Where the Invoke API listens, when it is on. */
  invokeApiUrl?: string;
}

export function statusText(input: StatusInput): { text: string; tooltip: string; error: boolean } {
  const text = baseStatus(input);
  if (input.engine.kind === 'unreachable') return text;
  const servers = [
    input.apiUrl ? `HTTP APIs: ${input.apiUrl}` : 'HTTP APIs: start on first Send Request (lambdaDock.apiPort)',
    input.invokeApiUrl ? `Invoke API: ${input.invokeApiUrl}` : 'Invoke API: off (lambdaDock.invokeApiPort)',
  ];
  return { ...text, tooltip: `${text.tooltip}\n${servers.join('\n')}` };
}

function baseStatus(input: StatusInput): { text: string; tooltip: string; error: boolean } {
  const { engine, last } = input;
  const saveNote = input.deployOnSave ? 'Saving a function\'s file redeploys it.' : 'Deploy on save is off (lambdaDock.deployOnSave).';
  if (engine.kind === 'unreachable') return { text: '$(error) Lambda Dock: no engine', tooltip: engine.message, error: true };
  if (engine.kind === 'starting') return { text: '$(sync~spin) Lambda Dock: starting', tooltip: 'Connecting to the container engine', error: false };
  if (input.deploying) return { text: '$(sync~spin) Lambda Dock: deploying', tooltip: 'Deploying functions', error: false };
  if (!last) return { text: '$(vm-active) Lambda Dock', tooltip: `${engine.kind === 'ready' ? `Engine: ${engine.engine} at ${engine.endpoint}` : 'Engine not started'}\n${saveNote}`, error: false };
  const time = new Date(last.at).toLocaleTimeString();
  if (last.failed.length > 0) {
    return {
      text: `$(error) Lambda Dock: deploy failed ${time}`,
      tooltip: `${last.failed.map((f) => `${f.name}: ${f.error}`).join('\n')}\n${saveNote}`,
      error: true,
    };
  }
  return { text: `$(check) Lambda Dock: deployed ${time}`, tooltip: `Deployed ${last.deployed.join(', ') || 'nothing'} at ${time}\n${saveNote}`, error: false };
}
