import * as path from 'node:path';
import type { CliCommand } from '../command';
import { DISCOVERY_OPTIONS, DISCOVERY_USAGE, discover } from '../startHost';

export const functionsCommand: CliCommand = {
  name: 'functions',
  summary: 'List the functions the workspace defines',
  usage: `lambda-dock functions ${DISCOVERY_USAGE} [--workspace DIR] [--json]`,
  options: DISCOVERY_OPTIONS,
  async run(context) {
    const { functions } = await discover(context);
    if (context.json) {
      context.out(JSON.stringify(functions, null, 2));
      return 0;
    }
    if (functions.length === 0) {
      context.out(`No functions in ${context.workspace}: add a template.yaml (AWS SAM), serverless.yml or lambda-dock.json.`);
      return 0;
    }
    const rows = functions.map((fn) => [
      // The deployed name (SAM FunctionName, serverless's service-stage-function) invokes it too.
      fn.deployedName ? `${fn.name} (${fn.deployedName})` : fn.name,
      fn.image ? `image ${fn.image.uri}` : `${fn.runtime ?? '?'} ${fn.handler ?? ''}`,
      `${fn.memorySizeMB} MB, ${fn.timeoutSeconds} s`,
      `${path.relative(context.workspace, fn.source.file)}:${fn.source.line}`,
    ]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const row of rows) context.out(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
    return 0;
  },
};
