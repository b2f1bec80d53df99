import * as path from 'node:path';
import type { ServedRoute } from '../core/gateway/apiGatewayServer';
import type { CommandContext } from './command';

/** A Function URL as listed beside the routes. */
export interface ListedFunctionUrl {
  functionName: string;
  url: string;
}

/** Prints the routes (method, URL, function, where defined) and the Function URLs, aligned. */
export function printRoutes(context: CommandContext, routes: ServedRoute[], functionUrls: ListedFunctionUrl[]): void {
  if (routes.length === 0 && functionUrls.length === 0) {
    context.out('No HTTP routes: give a function an Api or HttpApi event (SAM), an http or httpApi event (serverless.yml), or a FunctionUrlConfig.');
    return;
  }
  const rows = [
    ...routes.map((r) => [r.method, r.url, r.functionName, `${r.apiKind === 'rest' ? 'REST API' : 'HTTP API'} ${r.apiId}, ${path.relative(context.workspace, r.source.file)}:${r.source.line}`]),
    ...functionUrls.map((u) => ['ANY', u.url, u.functionName, 'Function URL']),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) context.out(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}
