import type { FunctionDefinition } from '../functions/definition';
import { WORKSPACE_ERROR_CODES } from './errors';
import type { Problem } from './problem';

/** Two routes collide when they match the same requests: same method and path, whatever the parameters are named. */
function collisionKey(method: string, path: string): string {
  return `${method} ${path.replace(/\{[^}/]+\+\}/g, '{+}').replace(/\{[^}/+]+\}/g, '{}')}`;
}

/**
 * Every API is served on one port, so a route that matches exactly what an earlier one matches could never
 * be reached: it is reported at its own file and line, names the first, and is dropped from its function.
 */
export function dropCollidingRoutes(functions: FunctionDefinition[], problems: Problem[]): void {
  const seen = new Map<string, { fn: string; file: string; line: number }>();
  for (const fn of functions) {
    if (!fn.routes) continue;
    fn.routes = fn.routes.filter((route) => {
      const key = collisionKey(route.method, route.path);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, { fn: fn.name, file: route.source.file, line: route.source.line });
        return true;
      }
      const what = route.path === '$default' ? 'the $default route' : `${route.method} ${route.path}`;
      problems.push({
        file: route.source.file,
        line: route.source.line,
        code: WORKSPACE_ERROR_CODES.routeCollision,
        functionName: fn.name,
        message: `${fn.name}: ${what} collides with ${first.fn}'s route at ${first.file}:${first.line}; this one is not served: change its path or method`,
      });
      return false;
    });
  }
}
