/** Registers every comlink transfer handler WebProg relies on. Call once per realm. */
import { registerErrorTransfer } from './comlink-errors';
import { registerFunctionTransfer } from './comlink-functions';

/** Errors keep their codes; functions inside option objects become proxies. */
export function registerTransferHandlers(): void {
  registerErrorTransfer();
  registerFunctionTransfer();
}
