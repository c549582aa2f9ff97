/**
 * Makes errors cross the worker boundary intact. Comlink's default "throw" handler keeps only
 * `name`, `message` and `stack`; this one sends a {@link WebProgError}'s whole record (code,
 * address, line, cause chain) and rebuilds the `WebProgError` on the other side. Any other
 * error thrown in a worker is wrapped as `WORKER_ERROR` so the page always gets a code.
 *
 * Call {@link registerErrorTransfer} once in every realm that uses comlink (page and workers).
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { WebProgError, isErrorRecord, toWebProgError, type ErrorRecord } from '../../src/core/errors';

type Thrown = { value: unknown };
type Wire = { isError: true; record: ErrorRecord } | { isError: false; value: unknown };

let registered = false;

/** Replaces comlink's "throw" transfer handler with one that preserves WebProgError fields. */
export function registerErrorTransfer(): void {
  if (registered) return;
  registered = true;
  const original = transferHandlers.get('throw') as TransferHandler<Thrown, unknown>;
  const handler: TransferHandler<Thrown, Wire> = {
    canHandle: (value): value is Thrown => original.canHandle(value),
    serialize({ value }) {
      if (value instanceof Error || isErrorRecord(value)) {
        const error = isErrorRecord(value)
          ? WebProgError.fromRecord(value)
          : toWebProgError(value, 'WORKER_ERROR');
        return [{ isError: true, record: error.toRecord() }, []];
      }
      return [{ isError: false, value }, []];
    },
    deserialize(wire) {
      if (wire.isError) throw WebProgError.fromRecord(wire.record);
      throw wire.value;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
