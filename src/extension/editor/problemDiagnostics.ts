import * as path from 'node:path';
import type { ErrorCode } from '../../core/errors';
import type { FunctionDefinition } from '../../core/functions/definition';
import type { Problem } from '../../core/workspace';
import type { DeployOutcome } from '../workspace/deployService';
import { EXTENSION_ERRORS } from '../errors';

/** A diagnostic as plain data (file, 0-based line and column), mapped to vscode.Diagnostic by diagnostics.ts. */
export interface PlainDiagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
  code: ErrorCode;
}

/**
 * Discovery problems on their file and line, and build failures where the error names a place
 * (esbuild's "file:line:column: ERROR: ..."), else on the function's definition.
 */
export function diagnosticsFor(problems: readonly Problem[], failed: DeployOutcome['failed'], definitions: readonly FunctionDefinition[], workspace: string): PlainDiagnostic[] {
  const result: PlainDiagnostic[] = problems.map((p) => ({ file: p.file, line: Math.max(0, p.line - 1), column: 0, message: p.message, code: p.code }));
  for (const failure of failed) {
    if (problems.some((p) => p.message.startsWith(`${failure.name}:`) && failure.error.includes(p.message))) continue;
    const located = locatedErrors(failure.error, workspace, definitions.find((d) => d.name === failure.name));
    if (located.length > 0) {
      result.push(...located.map((l) => ({ ...l, code: EXTENSION_ERRORS.deployProblem })));
      continue;
    }
    const definition = definitions.find((d) => d.name === failure.name);
    if (!definition) continue;
    result.push({ file: definition.source.file, line: Math.max(0, definition.source.line - 1), column: 0, message: `${failure.name} could not be deployed: ${failure.error}`, code: EXTENSION_ERRORS.deployProblem });
  }
  return result;
}

/** "src/app.ts:3:14: ERROR: Expected ..." lines (esbuild's format) as places in the workspace. */
export function locatedErrors(error: string, workspace: string, definition?: FunctionDefinition): Array<Omit<PlainDiagnostic, 'code'>> {
  const bases = [definition?.build?.sourceDir, definition?.codeDir, workspace].filter((b): b is string => !!b);
  const found: Array<Omit<PlainDiagnostic, 'code'>> = [];
  for (const match of error.matchAll(/([^\s:()"']+\.(?:[cm]?[jt]sx?|json|ya?ml)):(\d+):(\d+):?\s*(?:ERROR:\s*)?([^\n]*)/g)) {
    const [, file, line, column, message] = match;
    const absolute = path.isAbsolute(file) ? file : path.join(bases[0] ?? workspace, file);
    found.push({ file: absolute, line: Math.max(0, Number(line) - 1), column: Math.max(0, Number(column)), message: message.trim() || error });
  }
  return found;
}
