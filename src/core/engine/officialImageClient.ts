import { lambdaNodePath } from './localNodeImage';
import { lambdaNodeFlagsForMajor } from './nodeBinaries';

/**
 * Lambda Dock's runtime clients in the official AWS Lambda images (public.ecr.aws/lambda/nodejs, python) and
 * images built from them: the image's own interpreter (/var/lang/bin) and its AWS SDK run our client instead
 * of AWS's, which the image's entrypoint (/lambda-entrypoint.sh -> /var/runtime/bootstrap) would start. The
 * container is then generic until a handler reaches the client, like the local images' containers, and
 * reports its output tally, so each invocation gets exactly its log without waiting for the log to be quiet.
 */

/** Who runs functions in an official image: our client (the default), or AWS's through the image's entrypoint. */
export type OfficialImageClient = 'lambda-dock' | 'aws';

export type RuntimeClientKind = 'nodejs' | 'python';

/** Where our client is put in a container: read-only bind mounts, or uploaded before start on a remote engine. */
export const CLIENT_DIR_IN_CONTAINER = '/var/runtime/lambda-dock';

/** The client's file in the container, by kind. */
export function runtimeClientInContainer(kind: RuntimeClientKind): string {
  return `${CLIENT_DIR_IN_CONTAINER}/${kind === 'nodejs' ? 'bootstrap.js' : 'bootstrap.py'}`;
}

/** The official base images start /var/runtime/bootstrap through this entrypoint (the emulator when no Runtime API is set). */
const OFFICIAL_ENTRYPOINT = '/lambda-entrypoint.sh';

export interface ImageConfig {
  entrypoint?: string[] | string | null;
  env?: string[] | null;
}

/**
 * Whether an image is laid out as the official Lambda base images are: their entrypoint, the runtime under
 * /var/lang, the runtime's libraries (the AWS SDK, boto3) under /var/runtime. Told by the image's
 * configuration alone, so the official images, mirrors of them and images built FROM them all qualify,
 * while an image that sets its own entrypoint keeps it.
 */
export function hasOfficialLayout(config: ImageConfig): boolean {
  const entrypoint = typeof config.entrypoint === 'string' ? [config.entrypoint] : (config.entrypoint ?? []);
  return entrypoint.length === 1 && entrypoint[0] === OFFICIAL_ENTRYPOINT;
}

export interface OurClientLaunch {
  kind: RuntimeClientKind;
  entrypoint: string[];
  /** What the image's bootstrap would have set, under the function's own variables (which win, as there). */
  environment: Record<string, string>;
}

/**
 * How our client starts in an official image of a runtime, doing what the image's /var/runtime/bootstrap
 * does for AWS's: Node.js with Lambda's flags (--expose-gc, an 80 KB header limit, the experimental features
 * Lambda turns off) and NODE_PATH in Lambda's order, so `@aws-sdk/*` is the image's own in
 * /var/runtime/node_modules; nodejs18.x also trusts /var/runtime/ca-cert.pem, as its bootstrap sets
 * (Node.js 20 and later do not). Python: the interpreter the bootstrap runs (/var/lang/bin/python3.N) with
 * PYTHONPATH=/var/runtime, as Lambda sets it, where the image keeps boto3. Undefined for any other runtime:
 * its image keeps its own client.
 */
export function ourClientLaunch(runtime: string, region: string): OurClientLaunch | undefined {
  const node = /^nodejs(\d+)\.x$/.exec(runtime);
  if (node) {
    const major = Number(node[1]);
    const environment: Record<string, string> = { NODE_PATH: lambdaNodePath(major) };
    if (major <= 18) environment.NODE_EXTRA_CA_CERTS = chinaOrIsolatedRegion(region) ? '/etc/pki/tls/certs/ca-bundle.crt' : '/var/runtime/ca-cert.pem';
    return {
      kind: 'nodejs',
      entrypoint: ['/var/lang/bin/node', '--expose-gc', '--max-http-header-size', '81920', ...lambdaNodeFlagsForMajor(major), runtimeClientInContainer('nodejs')],
      environment,
    };
  }
  const python = /^python(3\.\d+)$/.exec(runtime);
  if (python) {
    return { kind: 'python', entrypoint: [`/var/lang/bin/python${python[1]}`, runtimeClientInContainer('python')], environment: { PYTHONPATH: '/var/runtime' } };
  }
  return undefined;
}

/** The bootstrap's own rule: China regions and those with three dashes use the system's CA bundle. */
function chinaOrIsolatedRegion(region: string): boolean {
  return region.startsWith('cn-') || region.replace(/[^-]/g, '') === '---';
}
