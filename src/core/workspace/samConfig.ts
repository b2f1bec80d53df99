import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as Toml from 'smol-toml' with { 'resolution-mode': 'import' };
import { errorMessage } from '../errors';
import { parseParameterOverrides } from './parameterOverrides';
import { isObj, type Obj } from './projectFileReader';
import { parseYaml } from './yamlSource';

// smol-toml's types are ESM-only, but it ships a CommonJS build: required, as this module is CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as typeof Toml;

/** The names SAM CLI looks for its configuration under, in its order. */
export const SAM_CONFIG_NAMES = ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml'];
/** The sections whose parameters `sam local invoke` and `sam local start-api` use, the later winning. */
const LOCAL_SECTIONS = ['global', 'local_invoke', 'local_start_api', 'local_start_lambda'];
const TEMPLATE_SECTIONS = ['global', 'build', 'local_invoke', 'local_start_api'];

/** What a project's samconfig says for local runs (its `default` environment). */
export interface SamConfig {
  file: string;
  /** template_file, absolute: the template it names when that is not template.yaml. */
  templateFile?: string;
  /** parameter_overrides, as `sam local` would pass them. */
  parameterOverrides: Record<string, string>;
  /** region: AWS::Region in the template. */
  region?: string;
  /** Why a value was not used (the file does not parse, a parameter_overrides entry is not Key=Value). */
  problem?: string;
}

/** The samconfig in `dir`, or undefined when it has none. Never throws: a bad file comes back with its problem. */
export function readSamConfig(dir: string): SamConfig | undefined {
  const name = SAM_CONFIG_NAMES.find((candidate) => existsSync(path.join(dir, candidate)));
  if (!name) return undefined;
  const file = path.join(dir, name);
  const config: SamConfig = { file, parameterOverrides: {} };
  let environment: Obj;
  try {
    const text = readFileSync(file, 'utf8');
    const parsed = name.endsWith('.toml') ? parseToml(text) : yamlValue(text);
    environment = isObj(parsed) && isObj(parsed.default) ? parsed.default : {};
  } catch (error) {
    return { ...config, problem: `${name} does not parse (${firstLine(errorMessage(error))}); its values are not used` };
  }
  const value = (sections: string[], key: string): unknown => {
    let found: unknown;
    for (const section of sections) {
      const parameters = isObj(environment[section]) && isObj(environment[section].parameters) ? environment[section].parameters : {};
      if (parameters[key] !== undefined) found = parameters[key];
    }
    return found;
  };
  const template = value(TEMPLATE_SECTIONS, 'template_file');
  if (typeof template === 'string' && template) config.templateFile = path.resolve(dir, template);
  const region = value(LOCAL_SECTIONS, 'region');
  if (typeof region === 'string' && region) config.region = region;
  const overrides = value(LOCAL_SECTIONS, 'parameter_overrides');
  try {
    if (typeof overrides === 'string') config.parameterOverrides = parseParameterOverrides(overrides);
    else if (Array.isArray(overrides)) config.parameterOverrides = parseParameterOverrides(overrides.map(String).join(' '));
  } catch (error) {
    config.problem = `${name}: parameter_overrides ${errorMessage(error).replace(/^--parameter-overrides: /, '')}`;
  }
  return config;
}

function yamlValue(text: string): unknown {
  const parsed = parseYaml(text);
  if (parsed.errors.length) throw new Error(`${parsed.errors[0].message} at line ${parsed.errors[0].line}`);
  return parsed.value;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
