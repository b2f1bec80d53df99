import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { FunctionDefinition } from '../functions/definition';
import { type ArnScope, LATEST, functionArn } from './arn';

/** When each definition object was first seen, and a revision id derived from its content. */
interface Revision {
  lastModified: string;
  revisionId: string;
}

const revisions = new WeakMap<FunctionDefinition, Revision>();

function revisionOf(definition: FunctionDefinition): Revision {
  let revision = revisions.get(definition);
  if (revision === undefined) {
    const hash = createHash('sha256').update(JSON.stringify(definition)).digest('hex');
    revision = {
      // Lambda's format: 2024-01-31T12:00:00.000+0000
      lastModified: new Date().toISOString().replace('Z', '+0000'),
      revisionId: `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`,
    };
    revisions.set(definition, revision);
  }
  return revision;
}

/** GetFunctionConfiguration's answer (and each ListFunctions item) for a local function. */
export function functionConfiguration(scope: ArnScope, definition: FunctionDefinition): Record<string, unknown> {
  const { lastModified, revisionId } = revisionOf(definition);
  const configuration: Record<string, unknown> = {
    FunctionName: definition.name,
    FunctionArn: functionArn(scope, definition.name),
    Role: `arn:aws:iam::${scope.accountId}:role/lambda-dock`,
    CodeSize: 0,
    Description: '',
    Timeout: definition.timeoutSeconds,
    MemorySize: definition.memorySizeMB,
    LastModified: lastModified,
    Version: LATEST,
    Environment: { Variables: { ...definition.environment } },
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: revisionId,
    Layers: definition.layers.map((layer) => ({
      Arn: `arn:aws:lambda:${scope.region}:${scope.accountId}:layer:${layer.name}:1`,
      CodeSize: 0,
    })),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: definition.image === undefined ? 'Zip' : 'Image',
    Architectures: [definition.architecture],
    EphemeralStorage: { Size: definition.ephemeralStorageMB },
  };
  if (definition.runtime !== undefined) configuration.Runtime = definition.runtime;
  if (definition.handler !== undefined) configuration.Handler = definition.handler;
  const image = definition.image;
  if (image !== undefined) {
    const imageConfig: Record<string, unknown> = {};
    if (image.entryPoint !== undefined) imageConfig.EntryPoint = image.entryPoint;
    if (image.command !== undefined) imageConfig.Command = image.command;
    if (image.workingDirectory !== undefined) imageConfig.WorkingDirectory = image.workingDirectory;
    configuration.ImageConfigResponse = { ImageConfig: imageConfig };
  }
  return configuration;
}

/** GetFunction's answer: the configuration, where the code is, and the reserved concurrency. */
export function getFunctionOutput(scope: ArnScope, definition: FunctionDefinition): Record<string, unknown> {
  const code: Record<string, unknown> =
    definition.image === undefined
      ? { RepositoryType: 'S3', Location: definition.codeDir === undefined ? '' : pathToFileURL(definition.codeDir).href }
      : { RepositoryType: 'ECR', ImageUri: definition.image.uri, ResolvedImageUri: definition.image.uri };
  const output: Record<string, unknown> = {
    Configuration: functionConfiguration(scope, definition),
    Code: code,
    Tags: {},
  };
  if (definition.reservedConcurrency !== undefined) {
    output.Concurrency = { ReservedConcurrentExecutions: definition.reservedConcurrency };
  }
  return output;
}
