import type { ServerResponse } from 'node:http';
import type { FunctionInvoker } from '../runtime/invoker';
import type { ArnScope } from './arn';
import { functionConfiguration, getFunctionOutput } from './configuration';
import { apiErrors } from './errors';
import { queryParam, sendJson } from './http';
import { resolveFunction } from './resolveFunction';
import type { FunctionUrls } from './functionUrls';

const DEFAULT_MAX_ITEMS = 50;
const MAX_MAX_ITEMS = 10000;

/** GET /2015-03-31/functions/: ListFunctions, sorted by name; Marker is the last name of the previous page. */
export function handleListFunctions(invoker: FunctionInvoker, scope: ArnScope, res: ServerResponse, query: string): void {
  const rawMax = queryParam(query, 'MaxItems');
  let maxItems = DEFAULT_MAX_ITEMS;
  if (rawMax !== undefined) {
    maxItems = Number(rawMax);
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > MAX_MAX_ITEMS) {
      throw apiErrors.badParameter(`MaxItems '${rawMax}' must be a whole number from 1 to ${MAX_MAX_ITEMS}`);
    }
  }
  const marker = queryParam(query, 'Marker');
  const sorted = [...invoker.functions()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Continue after the marker's name even if that function has gone since: pages stay consistent.
  const from = marker === undefined || marker === '' ? 0 : sorted.findIndex((fn) => fn.name > marker);
  const page = from === -1 ? [] : sorted.slice(from, from + maxItems);
  const body: Record<string, unknown> = { Functions: page.map((fn) => functionConfiguration(scope, fn)) };
  if (from !== -1 && from + maxItems < sorted.length) body.NextMarker = page[page.length - 1].name;
  sendJson(res, 200, body);
}

/** GET /2015-03-31/functions/{name}: GetFunction. */
export function handleGetFunction(invoker: FunctionInvoker, scope: ArnScope, res: ServerResponse, rawName: string, query: string): void {
  const fn = resolveFunction(invoker, scope, rawName, queryParam(query, 'Qualifier'));
  sendJson(res, 200, getFunctionOutput(scope, fn.definition));
}

/** GET /2015-03-31/functions/{name}/configuration: GetFunctionConfiguration. */
export function handleGetFunctionConfiguration(
  invoker: FunctionInvoker,
  scope: ArnScope,
  res: ServerResponse,
  rawName: string,
  query: string,
): void {
  const fn = resolveFunction(invoker, scope, rawName, queryParam(query, 'Qualifier'));
  sendJson(res, 200, functionConfiguration(scope, fn.definition));
}

/** GET /2021-10-31/functions/{name}/url: GetFunctionUrlConfig, the local URL serving the function. */
export function handleGetFunctionUrlConfig(
  invoker: FunctionInvoker,
  scope: ArnScope,
  urls: FunctionUrls,
  res: ServerResponse,
  rawName: string,
  query: string,
): void {
  const fn = resolveFunction(invoker, scope, rawName, queryParam(query, 'Qualifier'));
  const config = urls.configOf(fn.definition.name);
  if (config === undefined) throw apiErrors.urlNotFound(fn.arn);
  sendJson(res, 200, config);
}
