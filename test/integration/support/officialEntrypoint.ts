import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * /lambda-entrypoint.sh as the official Lambda base images have it (one argument, the handler; the runtime
 * interface emulator when no Runtime API is given): what the official-image stand-ins carry.
 */
export const OFFICIAL_ENTRYPOINT_SCRIPT = `#!/bin/sh
# Stand-in for the official images' entrypoint: one argument, the handler.
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"
if [ -z "\${AWS_LAMBDA_RUNTIME_API}" ]; then
  exec /usr/local/bin/aws-lambda-rie /var/runtime/bootstrap
fi
exec /var/runtime/bootstrap
`;

/** The files under a folder (relative paths, `/`-separated), leaving out folders by name (npm's .bin, pip's bin). */
export function filesUnder(root: string, skippedFolders: ReadonlySet<string>, relative = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!skippedFolders.has(entry.name)) out.push(...filesUnder(root, skippedFolders, rel));
    } else if (entry.isFile()) {
      out.push(rel);
    }
  }
  return out;
}
