import type { FunctionDefinition } from '../functions/definition';
import { DockerBackend } from '../engine/dockerBackend';
import { unknownRuntime } from './invokeErrors';
import { findBootstrap } from '../engine/customRuntime';
import { hostPython, pythonMismatchNote } from '../engine/hostPython';
import { isCustomRuntime, isNodeRuntime, isPythonRuntime, localImageKind, officialImage } from '../engine/images';
import { runtimeNodeMajor } from '../engine/nodeBinaries';
import type { LambdaBackend } from '../engine/backend';
import type { Logger } from '../log';
import { hasOfficialLayout, ourClientLaunch, type OfficialImageClient, type OurClientLaunch, type RuntimeClientKind } from '../engine/officialImageClient';

export interface ResolvedImage {
  image: string;
  command?: string[];
  entrypoint?: string[];
  workingDir?: string;
  /** Our runtime client, delivered into the container (an official image runs it instead of AWS's). */
  runtimeClient?: RuntimeClientKind;
  /** What the runtime sets before the function's own variables, which override it. */
  environment?: Record<string, string>;
}

export interface ImageResolverOptions {
  /** 'aws' keeps the official images' own entrypoint and AWS's runtime client. Default: 'lambda-dock'. */
  officialImageClient?: OfficialImageClient;
  /** The functions' region (nodejs18.x's CA bundle depends on it, as in its bootstrap). */
  region?: string;
}

/**
 * Which image runs a function: its own (PackageType Image), an override for its runtime, the official AWS
 * image when it is on the machine, else a local image (Node.js and Python built from the host's own, custom
 * runtimes from the host's shell tools and the libraries their bootstrap links) while the official one is
 * pulled in the background for next time, else the official image pulled now.
 */
export class ImageResolver {
  /** The image each runtime resolves to: it depends on the runtime alone (and a custom runtime's bootstrap), not on the handler. */
  private readonly byRuntime = new Map<string, Promise<string>>();
  /** Images known to be on the machine (or being pulled now), by URI. */
  private readonly present = new Map<string, Promise<void>>();
  private readonly pullsStarted = new Set<string>();
  /** Images that run our runtime client (the local Node.js image): a debugged instance waits in the client. */
  private readonly ourClientImages = new Set<string>();
  /** Images whose runtime client can be started before its function is known and assigned one (standbys). */
  private readonly assignableImages = new Set<string>();
  /** Whether our client runs in an image for a runtime, asked of the engine once per both. */
  private readonly ourClientIn = new Map<string, Promise<OurClientLaunch | undefined>>();

  constructor(
    private readonly backend: LambdaBackend,
    private readonly overrides: Record<string, string>,
    private readonly log: Logger,
    private readonly options: ImageResolverOptions = {},
  ) {}

  /** `code` is where the packaged code and merged layers are on the host (a custom runtime's bootstrap is looked for there). */
  async resolve(definition: FunctionDefinition, code: { codeDir?: string; layersDir?: string } = { codeDir: definition.codeDir }): Promise<ResolvedImage> {
    if (definition.image) {
      const { uri, command, entryPoint, workingDirectory } = definition.image;
      await this.ensurePresent(uri);
      return { image: uri, command, entrypoint: entryPoint, workingDir: workingDirectory };
    }
    const runtime = definition.runtime ?? '';
    if (isCustomRuntime(runtime)) {
      // The bootstrap is the entrypoint, in the official image as in ours; the handler reaches it as _HANDLER.
      const bootstrap = findBootstrap(definition.name, code.codeDir, code.layersDir);
      const image = await remembered(this.byRuntime, `${runtime}\0${bootstrap.hostPath}`, () => this.resolveRuntime(runtime, bootstrap.hostPath));
      return { image, entrypoint: [bootstrap.instancePath] };
    }
    const command = definition.handler ? [definition.handler] : undefined;
    const image = await this.runtimeImage(runtime);
    const ourClient = await remembered(this.ourClientIn, `${runtime}\0${image}`, () => this.ourClientLaunch(runtime, image));
    if (!ourClient) return { image, command };
    return { image, command, entrypoint: ourClient.entrypoint, runtimeClient: ourClient.kind, environment: ourClient.environment };
  }

  /**
   * Our runtime client replaces AWS's in an image laid out as the official ones are (see officialImageClient),
   * unless the setting keeps AWS's. Images Lambda Dock builds carry our client already; others keep their entrypoint.
   */
  private async ourClientLaunch(runtime: string, image: string): Promise<OurClientLaunch | undefined> {
    const backend = this.backend;
    if (this.options.officialImageClient === 'aws' || !(backend instanceof DockerBackend)) return undefined;
    const launch = ourClientLaunch(runtime, this.options.region ?? 'us-east-1');
    if (!launch || !hasOfficialLayout(await backend.imageConfig(image))) return undefined;
    this.ourClientImages.add(image);
    this.log.info(`${image} runs ${runtime} functions with Lambda Dock's runtime client on the image's own ${launch.kind === 'nodejs' ? 'Node.js and AWS SDK' : 'Python and boto3'} (set lambdaDock.officialImageClient to "aws" for AWS's own client)`);
    return launch;
  }

  /**
   * Whether a started container of this image waits for its function (our Node.js client, in the local or an
   * official image; our Python client in the local Python image): what a standby needs.
   */
  takesAssignment(image: string): boolean {
    return this.backend instanceof DockerBackend && (this.ourClientImages.has(image) || this.assignableImages.has(image));
  }

  /** Whether instances of this image run our runtime client (true for every process-backend instance). */
  runsOurClient(image: string): boolean {
    return !(this.backend instanceof DockerBackend) || this.ourClientImages.has(image);
  }

  /** Starts pulling what a function will need, in the background; reports progress to the log. */
  prepull(definition: FunctionDefinition): void {
    const image = definition.image?.uri ?? this.overrides[definition.runtime ?? ''] ?? officialImage(definition.runtime ?? '');
    if (!image || this.pullsStarted.has(image) || !(this.backend instanceof DockerBackend)) return;
    this.pullsStarted.add(image);
    let lastStatus = '';
    this.backend
      .prepullImage(image, (p) => {
        if (p.status !== lastStatus) this.log.debug(`pull ${image}: ${(lastStatus = p.status)}`);
      })
      .then((pulled) => pulled && this.log.info(`pulled ${image}`))
      .catch((error: unknown) => this.log.info(`${image} could not be pulled in the background (${(error as Error).message}); ${localImageKind(definition.runtime) ? `${localImageKind(definition.runtime)} is used instead` : 'functions that need it will fail to start'}`));
  }

  private runtimeImage(runtime: string): Promise<string> {
    return remembered(this.byRuntime, runtime, () => this.resolveRuntime(runtime));
  }

  private async resolveRuntime(runtime: string, bootstrap?: string): Promise<string> {
    const override = this.overrides[runtime];
    if (override) {
      await this.ensurePresent(override);
      return override;
    }
    const official = officialImage(runtime);
    if (!(this.backend instanceof DockerBackend)) return official ?? runtime;
    if (official && (await this.backend.imageExists(official))) return official;
    if (isNodeRuntime(runtime)) {
      const local = await this.backend.localNodeImage(runtimeNodeMajor(runtime), this.log);
      this.ourClientImages.add(local);
      return local;
    }
    if (isPythonRuntime(runtime)) {
      const python = await hostPython();
      const note = pythonMismatchNote(runtime, python, 'in the local Python image');
      if (note) this.log.warn(note);
      const local = await this.backend.localPythonImage(python, this.log);
      this.assignableImages.add(local);
      return local;
    }
    if (isCustomRuntime(runtime)) return this.backend.localCustomRuntimeImage(bootstrap);
    if (!official) {
      throw unknownRuntime(runtime);
    }
    // Just found missing: pull it without asking the engine again.
    const backend = this.backend;
    await remembered(this.present, official, () => backend.pullImage(official));
    return official;
  }

  private ensurePresent(image: string): Promise<void> {
    const backend = this.backend;
    if (!(backend instanceof DockerBackend)) return Promise.resolve();
    return remembered(this.present, image, async () => {
      await backend.prepullImage(image);
    });
  }
}

/** The promise kept for key, made by start the first time; one that rejects is forgotten, so the next call tries again. */
function remembered<T>(cache: Map<string, Promise<T>>, key: string, start: () => Promise<T>): Promise<T> {
  let promise = cache.get(key);
  if (!promise) {
    promise = start();
    cache.set(key, promise);
    promise.catch(() => {
      if (cache.get(key) === promise) cache.delete(key);
    });
  }
  return promise;
}
