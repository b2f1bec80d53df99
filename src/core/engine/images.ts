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
