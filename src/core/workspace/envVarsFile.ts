import * as fs from 'node:fs';
import type { FunctionDefinition } from '../functions/definition';
import { errorMessage } from '../errors';
import { WORKSPACE_ERROR_CODES, workspaceError } from './errors';

/**
 * Environment overrides in the file `sam local invoke --env-vars env.json` reads:
 * `{"Parameters": {VAR: value}, "FUNCTION": {VAR: value}}`. Parameters apply to every function; a
 * function's own entry (by its name, else its deployed name) wins over them. As in SAM, only variables
 * the function declares are overridden: the file sets values, it does not add variables.
 */
export interface EnvVarsOverrides {
  file: string;
  parameters: Record<string, string>;
  functions: Record<string, Record<string, string>>;
}

/** Reads and checks an env-vars file; throws one LambdaDockError that names the file, the problem and the fix. */
export function readEnvVarsFile(file: string): EnvVarsOverrides {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw invalid(file, `cannot be read (${errorMessage(error)}); check the path given to --env-vars or lambdaDock.envVarsFile`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(file, `is not JSON (${errorMessage(error)}); write {"Parameters": {"VAR": "value"}, "FunctionName": {"VAR": "value"}}`);
  }
  if (!isRecord(parsed)) throw invalid(file, 'must be a JSON object: {"Parameters": {...}, "FunctionName": {...}}');
  const overrides: EnvVarsOverrides = { file, parameters: {}, functions: {} };
  for (const [key, value] of Object.entries(parsed)) {
    if (!isRecord(value)) {
      throw invalid(file, `has ${JSON.stringify(key)}: ${JSON.stringify(value)}, which is not an object of variables; write "${key}": {"VAR": "value"}`);
    }
    const variables = Object.fromEntries(Object.entries(value).map(([name, v]) => [name, stringify(v)]));
    if (key === 'Parameters') overrides.parameters = variables;
    else overrides.functions[key] = variables;
  }
  return overrides;
}

/** The definition with its declared variables overridden as SAM does it; other variables are not added. */
export function applyEnvVars(definition: FunctionDefinition, overrides: EnvVarsOverrides): FunctionDefinition {
  const own = overrides.functions[definition.name] ?? (definition.deployedName ? overrides.functions[definition.deployedName] : undefined);
  const values = { ...overrides.parameters, ...own };
  const declared = [...Object.keys(definition.environment), ...(definition.unresolvedEnvironment ?? [])];
  const overridden = declared.filter((name) => name in values);
  if (overridden.length === 0) return definition;
  const environment = { ...definition.environment };
  for (const name of overridden) environment[name] = values[name];
  const unresolved = definition.unresolvedEnvironment?.filter((name) => !(name in values));
  const { unresolvedEnvironment: _unresolved, ...rest } = definition;
  return { ...rest, environment, ...(unresolved?.length ? { unresolvedEnvironment: unresolved } : {}) };
}

/** SAM's rule: objects, lists and null are blank, booleans are true/false, the rest as written. */
function stringify(value: unknown): string {
  if (value === null || typeof value === 'object') return '';
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(file: string, problem: string) {
  return workspaceError(WORKSPACE_ERROR_CODES.invalidEnvVars, `The environment variables file ${file} ${problem}`);
}
