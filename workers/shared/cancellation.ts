/**
 * Cancel signals across the worker boundary. An `AbortSignal` cannot be posted, so each
 * cancellable call carries a numeric call id; the page's {@link callWithSignal} calls the
 * worker's `cancel(callId)` when its signal aborts, and the worker's {@link CancelRegistry}
 * turns that into an aborted `AbortSignal` for the running operation.
 */
import { WebProgError } from '../../src/core/errors';

/** Worker side: one AbortController per running call. */
export class CancelRegistry {
  private readonly controllers = new Map<number, AbortController>();

  /** Starts tracking `callId` and returns the signal the operation must watch. */
  begin(callId: number | undefined): AbortSignal {
    const controller = new AbortController();
    if (callId !== undefined) this.controllers.set(callId, controller);
    return controller.signal;
  }

  /** Stops tracking `callId` (call when the operation ends, however it ends). */
  end(callId: number | undefined): void {
    if (callId !== undefined) this.controllers.delete(callId);
  }

  /** Aborts the operation running as `callId`; unknown ids are ignored. */
  cancel(callId: number): void {
    this.controllers.get(callId)?.abort(new WebProgError('CANCELLED', 'The operation was cancelled.'));
  }

  /** Runs `operation` with a tracked signal. */
  async run<T>(callId: number | undefined, operation: (signal: AbortSignal) => Promise<T> | T): Promise<T> {
    const signal = this.begin(callId);
    try {
      return await operation(signal);
    } finally {
      this.end(callId);
    }
  }
}

let nextCallId = 1;

/**
 * Page side: runs `call(callId)` and asks the worker to cancel it (through `cancel`) when
 * `signal` aborts. Rejects with `CANCELLED` at once if the signal is already aborted.
 */
export async function callWithSignal<T>(
  signal: AbortSignal | undefined,
  cancel: (callId: number) => unknown,
  call: (callId: number) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw new WebProgError('CANCELLED', 'The operation was cancelled.');
  const callId = nextCallId++;
  const onAbort = () => void cancel(callId);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await call(callId);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
