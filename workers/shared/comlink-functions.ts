/**
 * Lets functions travel inside option objects. Comlink proxies a function only when it is a
 * top-level argument marked with `proxy()`; a call like `checksum(data, 'crc32', range,
 * { onProgress, callId })` would fail with a DataCloneError. This handler sends every
 * function-valued property of a plain object as its own comlink proxy and rebuilds the object
 * with callable remotes on the other side. Register it in every realm (page and workers).
 */
import { proxy, transferHandlers, type TransferHandler } from 'comlink';

type WithFunctions = Record<string, unknown>;
type Wire = { values: Record<string, unknown>; ports: Record<string, unknown> };

const proxyHandler = () => transferHandlers.get('proxy') as TransferHandler<object, unknown>;

/** True for a plain object with at least one function-valued own property. */
function hasFunctionProperties(value: unknown): value is WithFunctions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).some((v) => typeof v === 'function');
}

let registered = false;

/** Registers the handler (idempotent). */
export function registerFunctionTransfer(): void {
  if (registered) return;
  registered = true;
  const handler: TransferHandler<WithFunctions, Wire> = {
    canHandle: hasFunctionProperties,
    serialize(object) {
      const values: Record<string, unknown> = {};
      const ports: Record<string, unknown> = {};
      const transfer: Transferable[] = [];
      for (const [key, value] of Object.entries(object)) {
        if (typeof value === 'function') {
          const [port, transferables] = proxyHandler().serialize(
            proxy(value as (...args: unknown[]) => unknown),
          );
          ports[key] = port;
          transfer.push(...(transferables as Transferable[]));
        } else {
          values[key] = value;
        }
      }
      return [{ values, ports }, transfer];
    },
    deserialize({ values, ports }) {
      const object: WithFunctions = { ...values };
      for (const [key, port] of Object.entries(ports))
        object[key] = proxyHandler().deserialize(port) as unknown;
      return object;
    },
  };
  transferHandlers.set('functions-in-object', handler as TransferHandler<unknown, unknown>);
}
