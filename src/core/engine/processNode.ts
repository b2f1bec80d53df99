import * as path from 'node:path';
import { runtimeClientPath } from '../paths';
import type { LaunchSpec } from './backend';
import { findInstalledNode, hostNodeBinary, lambdaNodeFlags, majorOf, runtimeNodeMajor } from './nodeBinaries';
import { runtimeSdkPaths } from './runtimeSdk';

/** How the process backend runs a Node.js function: which node, our runtime client, and the environment it adds. */
export interface NodeProgram {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * A Node.js function as a child process: on a node of its runtime's major when this machine has one (see
 * findInstalledNode), else on the one running Lambda Dock, said once per runtime through `note`; with
 * Lambda's NODE_PATH order over the host folders (layers' node{N} and shared folders, the runtime's AWS SDK,
 * the task root).
 */
export function nodeProgram(spec: LaunchSpec, taskRoot: string, note: (runtime: string, message: string) => void): NodeProgram {
  const major = runtimeNodeMajor(spec.runtime) ?? majorOf(process.versions.node);
  const found = findInstalledNode(major);
  const node = found ?? hostNodeBinary() ?? { path: process.execPath, version: process.versions.node };
  if (!found && spec.runtime) {
    note(spec.runtime, `${spec.runtime} functions run as local processes on Node.js ${node.version} (${node.path}): no Node.js ${major} was found on PATH or in nvm, fnm or volta; install one to run them on ${major}`);
  }
  const layers = spec.layersDir;
  const sdk = spec.runtimeSdk && runtimeSdkPaths(spec.runtimeSdk.store, spec.runtimeSdk.id);
  const nodePath = [
    ...(layers ? [path.join(layers, `nodejs/node${major}/node_modules`), path.join(layers, 'nodejs/node_modules')] : []),
    ...(sdk ? [sdk.nodeModules] : []),
    taskRoot,
  ];
  return {
    command: node.path,
    args: [...lambdaNodeFlags(node, spec.environment.NODE_OPTIONS), runtimeClientPath()],
    env: { NODE_PATH: nodePath.join(path.delimiter), ...(sdk ? { LAMBDA_DOCK_RUNTIME_SDK: sdk.folder } : {}) },
  };
}
