import * as path from 'node:path';
import { WORKSPACE_ERROR_CODES } from './errors';
import type { Problem } from './problem';
import type { YamlSource } from './yamlSource';

export type Obj = Record<string, unknown>;

/** A plain mapping (not null, not a list): what a YAML or JSON object parses to. */
export function isObj(value: unknown): value is Obj {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * What every project-file reader (template.yaml, serverless.yml, lambda-dock.json) keeps: the file, its
 * folder, its parsed source (for lines), and the problems found so far, each reported at a path in the file.
 */
export abstract class ProjectFileReader {
  protected readonly dir: string;

  constructor(
    protected readonly file: string,
    protected readonly source: YamlSource,
    protected readonly problems: Problem[],
  ) {
    this.dir = path.dirname(file);
  }

  /** Reports a problem at `at`; `functionName` when it is about one function (its message then starts with the name). */
  protected problem(at: (string | number)[], code: Problem['code'], message: string, functionName?: string): void {
    this.problems.push({ file: this.file, line: this.source.lineOf(at), code, message, ...(functionName !== undefined ? { functionName } : {}) });
  }

  /**
   * A setting that must be a positive number (a numeric string counts, as YAML and CloudFormation give
   * them); otherwise a problem, and undefined so Lambda's default applies.
   */
  protected positiveNumber(value: unknown, at: (string | number)[], name: string, key: string): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) {
      this.problem(at, WORKSPACE_ERROR_CODES.invalidValue, `${name}: ${key} must be a positive number, not ${JSON.stringify(value)}; Lambda's default is used`, name);
      return undefined;
    }
    return n;
  }
}
