/**
 * One device operation at a time per device: calls queue behind each other. Also the
 * `_timeout(ms)` forms: an operation that overruns its limit is cancelled through its signal
 * and rejects with TIMEOUT.
 */
import { WebProgError, isAbortError } from '../../src/core/errors';

/** Serialises async operations. */
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Operations queued or running. */
  get size(): number {
    return this.pending;
  }

  /** Runs `operation` after every operation queued before it has settled. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(operation);
    this.tail = result.catch(() => undefined).finally(() => this.pending--);
    return result;
  }
}

/**
 * Runs `operation(signal)` with a signal that aborts when `outer` aborts or after `timeoutMs`;
 * an overrun rejects with TIMEOUT naming `what`.
 */
export async function withTimeout<T>(
  what: string,
  timeoutMs: number | undefined,
  outer: AbortSignal | undefined,
  operation: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  outer?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new WebProgError('TIMEOUT', `${what} did not finish within ${timeoutMs} ms.`));
        }, timeoutMs);
  try {
    return await operation(controller.signal);
  } catch (error) {
    if (timedOut && isAbortError(error))
      throw new WebProgError('TIMEOUT', `${what} did not finish within ${timeoutMs} ms.`, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}
