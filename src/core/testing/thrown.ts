/** Test helpers: the error a call throws or a promise rejects with, for assertions on its code and context. */
import { WebProgError } from '../errors';

/**
 * Calls `fn` and returns the {@link WebProgError} it throws. Throws (failing the test) when `fn`
 * returns normally or throws anything that is not a WebProgError.
 */
export function thrown(fn: () => unknown): WebProgError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebProgError) return error;
    throw new Error(`expected a WebProgError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an error, but the call returned');
}

/**
 * Awaits `promise` and returns the {@link WebProgError} it rejects with. Throws (failing the
 * test) when it resolves or rejects with anything that is not a WebProgError.
 */
export async function rejection(promise: Promise<unknown>): Promise<WebProgError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection, but the promise resolved');
    },
    (error: unknown) => {
      if (error instanceof WebProgError) return error;
      throw new Error(`expected a WebProgError, got ${String(error)}`, { cause: error });
    },
  );
}
