import type Docker from 'dockerode';

/** One event of an engine progress stream (pull, import, build). */
export interface ProgressEvent {
  status?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  progressDetail?: { current?: number; total?: number };
}

/** A progress stream that ended normally but reported an error in one of its events. */
export class ProgressEventError extends Error {
  constructor(readonly event: ProgressEvent) {
    super(event.error);
    this.name = 'ProgressEventError';
  }
}

/**
 * Follows an engine progress stream to its end, handing each event to onEvent. Rejects with the stream's
 * own error, else with a ProgressEventError for the first event that reports one; callers word the failure.
 */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream, onEvent?: (event: ProgressEvent) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: ProgressEvent[]) => {
        const failed = events.find((e) => e.error);
        if (error) reject(error);
        else if (failed) reject(new ProgressEventError(failed));
        else resolve();
      },
      onEvent,
    );
  });
}
