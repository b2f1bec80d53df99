import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { contentTag, ensureImportedImage, envChanges, hostFiles, sharedLibraries, type ImportedImage, type RootFsFile } from './rootFileSystem';

const RECIPE_VERSION = '1';

/**
 * What a bootstrap script commonly calls, as provided.al2023 has it: a shell, curl for the Runtime API, and
 * the text tools of AWS's custom runtime tutorial. Those this machine lacks are left out.
 */
const TOOLS = ['sh', 'bash', 'env', 'curl', 'cat', 'cut', 'tr', 'grep', 'sed', 'awk', 'mktemp', 'head', 'tail', 'rm', 'mkdir', 'ls', 'date', 'sleep', 'printf', 'echo', 'basename', 'dirname', 'wc', 'sort', 'tee', 'jq'];

/** The tools found on this machine's PATH, by name. */
export function hostTools(): Map<string, string> {
  const found = new Map<string, string>();
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter).filter(Boolean);
  for (const tool of TOOLS) {
    for (const dir of dirs) {
      const file = path.join(dir, tool);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) {
          found.set(tool, fs.realpathSync(file));
          break;
        }
      } catch {
        // not in this folder
      }
    }
  }
  return found;
}

/**
 * A minimal image for custom runtimes (provided.al2023, provided.al2) where the official one is not on the
 * machine: the tools above with their shared libraries, plus the shared libraries a dynamically linked
 * bootstrap needs (ldd: a static binary needs none). The bootstrap itself comes with the code at /var/task or /opt.
 */
export function localCustomRuntimeImage(bootstrap: string | undefined, tools = hostTools()): ImportedImage {
  // ldd runs the workspace's binary through the loader: the workspace is trusted to run code at all.
  const bootstrapLibs = bootstrap ? sharedLibraries([bootstrap]) : [];
  const hash = contentTag(RECIPE_VERSION, [...tools.values(), ...bootstrapLibs], [...tools.keys(), ...bootstrapLibs]);
  const env = {
    PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH: '/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
  };
  return {
    tag: `lambda-dock/provided-local:${hash}`,
    kind: 'local-provided',
    changes: [...envChanges(env), 'WORKDIR /var/task', 'ENTRYPOINT ["/var/task/bootstrap"]'],
    rootFileSystem: () => {
      const files: RootFsFile[] = [];
      for (const [name, source] of tools) files.push({ target: `/usr/bin/${name}`, source, mode: 0o755 });
      // On Amazon Linux /bin/sh is bash: scripts written for it (set -o pipefail) need bash behind sh.
      const shell = tools.get('bash') ?? tools.get('sh');
      if (shell) files.unshift({ target: '/bin/sh', source: shell, mode: 0o755 }, { target: '/usr/bin/sh', source: shell, mode: 0o755 }, { target: '/bin/bash', source: shell, mode: 0o755 });
      files.push(...hostFiles(sharedLibraries([...tools.values()])), ...hostFiles(bootstrapLibs));
      return { files, dirs: ['/usr/local/bin', '/opt/bin'] };
    },
  };
}

export function ensureLocalCustomRuntimeImage(docker: Docker, sessionId: string, bootstrap: string | undefined): Promise<string> {
  return ensureImportedImage(docker, sessionId, localCustomRuntimeImage(bootstrap));
}
