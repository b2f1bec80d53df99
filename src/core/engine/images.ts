/** The official AWS Lambda base image for a runtime identifier, or undefined for one we do not know. */
export function officialImage(runtime: string): string | undefined {
  const base = 'public.ecr.aws/lambda';
  let m: RegExpExecArray | null;
  if ((m = /^nodejs(\d+)\.x$/.exec(runtime))) return `${base}/nodejs:${m[1]}`;
  if ((m = /^python(\d+\.\d+)$/.exec(runtime))) return `${base}/python:${m[1]}`;
  if ((m = /^java(\d+)(\.al2)?$/.exec(runtime))) return `${base}/java:${m[1]}`;
  if ((m = /^dotnet(\d+)$/.exec(runtime))) return `${base}/dotnet:${m[1]}`;
  if ((m = /^ruby(\d+\.\d+)$/.exec(runtime))) return `${base}/ruby:${m[1]}`;
  if (runtime === 'provided.al2023') return `${base}/provided:al2023`;
  if (runtime === 'provided.al2') return `${base}/provided:al2`;
  if (runtime === 'provided') return `${base}/provided:alami`;
  return undefined;
}

export function isNodeRuntime(runtime: string | undefined): boolean {
  return runtime !== undefined && /^nodejs\d+\.x$/.test(runtime);
}

export function isPythonRuntime(runtime: string | undefined): boolean {
  return runtime !== undefined && /^python3\.\d+$/.test(runtime);
}

/** provided.al2023, provided.al2, provided: a `bootstrap` executable is the runtime. */
export function isCustomRuntime(runtime: string | undefined): boolean {
  return runtime === 'provided' || runtime?.startsWith('provided.') === true;
}

/** What a runtime runs in when its official image is not on the machine, for messages; undefined: nothing local. */
export function localImageKind(runtime: string | undefined): string | undefined {
  if (isNodeRuntime(runtime)) return 'the local Node.js image';
  if (isPythonRuntime(runtime)) return 'the local Python image';
  if (isCustomRuntime(runtime)) return 'the local custom-runtime image';
  return undefined;
}
