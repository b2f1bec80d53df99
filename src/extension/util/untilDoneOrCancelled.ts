import type { Disposable } from './emitter';

/** The error a cancelled wait ends with: the command wrapper treats an AbortError as a silent cancellation. */
export function cancelledByUser(): Error {
  const error = new Error('cancelled by the user');
  error.name = 'AbortError';
  return error;
}

/**
 * Waits for `work` until it settles or the user cancels. A cancel aborts the work's signal and ends the wait
 * at once, whether or not the work heeds the signal, so a progress notification never outlives the work nor
 * the user's Cancel; the work's later failure is then dropped, not left unhandled.
 */
export async function untilDoneOrCancelled<T>(work: (signal: AbortSignal) => Promise<T>, onCancel: (listener: () => void) => Disposable): Promise<T> {
  const controller = new AbortController();
  const cancelled = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(cancelledByUser()), { once: true });
  });
  const subscription = onCancel(() => controller.abort());
  const running = Promise.resolve().then(() => work(controller.signal));
  running.catch(() => undefined);
  try {
    return await Promise.race([running, cancelled]);
  } finally {
    subscription.dispose();
  }
}
