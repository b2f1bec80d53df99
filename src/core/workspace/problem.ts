import type { FunctionDefinition } from '../functions/definition';
import type { WorkspaceErrorCode } from './errors';

/**
 * Something wrong in a workspace file: where (absolute file, 1-based line), what, and what to do about it.
 * Discovery reports these and goes on with every function it can still load.
 */
export interface Problem {
  file: string;
  line: number;
  message: string;
  code: WorkspaceErrorCode;
  /** The function the problem is about, when the file reader knows it (not for a whole file, a layer or a shared setting). */
  functionName?: string;
}

export interface Discovery {
  functions: FunctionDefinition[];
  problems: Problem[];
  /**
   * Other files the definitions were read from (an OpenAPI file of DefinitionUri or AWS::Include): a change
   * to one means discovering the workspace again, as a change to a project file does.
   */
  definitionFiles?: string[];
}

/** What one project file (template.yaml, serverless.yml, lambda-dock.json) yields. */
export interface FileDiscovery extends Discovery {
  file: string;
}
