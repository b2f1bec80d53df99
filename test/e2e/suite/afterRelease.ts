// Work that must run after the runner took its screenshots, before it kills the editor: the extension
// host is killed rather than deactivated, so a test that leaves engine state for the screenshot ends it
// here. Each test file is its own bundle, so the hooks live on globalThis under a registry symbol.
const HOOKS = Symbol.for('lambda-dock.e2e.afterRelease');

type Hook = () => Promise<void>;

function hooks(): Hook[] {
  const holder = globalThis as unknown as Record<symbol, Hook[] | undefined>;
  holder[HOOKS] ??= [];
  return holder[HOOKS];
}

export function afterRelease(hook: Hook): void {
  hooks().push(hook);
}

/** Runs every hook, each within the limit; a failing hook does not stop the others. */
export async function runAfterRelease(limitMs: number): Promise<void> {
  for (const hook of hooks().splice(0)) {
    await Promise.race([hook().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, limitMs))]);
  }
}
