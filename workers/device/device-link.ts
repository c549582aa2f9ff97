/**
 * The Lua worker's link to the device worker: {@link DeviceOperationsApi} over one
 * MessagePort, with the calls' progress listeners and confirmation prompts carried by one
 * long-lived callback channel per link instead of a comlink proxy (a new MessageChannel) per
 * function per call.
 *
 * The Lua side ({@link wrapDeviceOperations}) registers a call's `onProgress` and `confirm`
 * under a link-local id and sends the id; the device side ({@link exposeDeviceOperations})
 * rebuilds the functions from the id over the callback channel. Before a call's result goes
 * back, the device side waits until the Lua side has taken the call's last progress event, so
 * no event arrives after the call has returned (the two ports are not ordered with each
 * other). Cancellation is unchanged: `cancel(callId)` on the same link.
 */
import { expose, transfer, wrap } from 'comlink';
import type { ProgressEvent } from '../../src/core/progress';
import type { BackendCallOptions, DeviceOperationsApi } from './device-api';

type Endpoint = Parameters<typeof wrap>[0];

/** The callbacks of one call, as they cross the link: which ones the call has, under which id. */
interface CallbackRef {
  id: number;
  progress: boolean;
  confirm: boolean;
}

/** Call options on the wire: the functions replaced by a {@link CallbackRef}. */
type WireOptions = Omit<BackendCallOptions, 'onProgress' | 'confirm'> & { callbacks?: CallbackRef };

/** The Lua side's end of the callback channel. */
interface CallbackHub {
  progress(id: number, event: ProgressEvent): void;
  confirm(id: number, message: string): Promise<boolean>;
}

/** What the device side exposes on the link's port. */
interface LinkEnd extends Omit<DeviceOperationsApi, 'connectDevice' | 'backendCall' | 'debug'> {
  connectDevice(deviceId: string, options?: WireOptions): ReturnType<DeviceOperationsApi['connectDevice']>;
  backendCall(
    deviceId: string,
    operation: Parameters<DeviceOperationsApi['backendCall']>[1],
    args: Parameters<DeviceOperationsApi['backendCall']>[2],
    options?: WireOptions,
  ): ReturnType<DeviceOperationsApi['backendCall']>;
  debug(
    deviceId: string,
    request: Parameters<DeviceOperationsApi['debug']>[1],
    options?: WireOptions,
  ): ReturnType<DeviceOperationsApi['debug']>;
  /** Takes the port of the Lua side's callback channel (sent once, before the first call). */
  attachCallbacks(port: MessagePort): void;
}

/**
 * `port` as a comlink endpoint for the callback channel, started once, that never keeps a
 * Node process alive (the link's own port decides that). Comlink calls `start()` before every
 * request, which would take a Node port's reference again, so the endpoint has no `start`.
 */
function backgroundEndpoint(port: MessagePort, attach: (endpoint: Endpoint) => void): void {
  attach({
    postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer ?? []),
    addEventListener: port.addEventListener.bind(port) as Endpoint['addEventListener'],
    removeEventListener: port.removeEventListener.bind(port) as Endpoint['removeEventListener'],
  });
  port.start();
  (port as { unref?: () => void }).unref?.();
}

/**
 * Device side: serves `ops` on `port` for a Lua worker that reaches it through
 * {@link wrapDeviceOperations}.
 */
export function exposeDeviceOperations(ops: DeviceOperationsApi, port: MessagePort): void {
  let hub: ReturnType<typeof wrap<CallbackHub>> | undefined;

  /** Runs `call` with `wire`'s callbacks rebuilt; returns once the last progress event was taken. */
  const withCallbacks = async <T>(
    wire: WireOptions | undefined,
    call: (options: BackendCallOptions | undefined) => Promise<T>,
  ): Promise<T> => {
    if (!wire?.callbacks) return call(wire);
    const { callbacks, ...rest } = wire;
    const options: BackendCallOptions = rest;
    let lastProgress: Promise<unknown> | undefined;
    const target = hub;
    if (callbacks.progress && target) {
      options.onProgress = (event) => {
        lastProgress = Promise.resolve(target.progress(callbacks.id, event)).catch(() => undefined);
      };
    }
    if (callbacks.confirm && target) options.confirm = (message) => target.confirm(callbacks.id, message);
    try {
      return await call(options);
    } finally {
      await lastProgress;
    }
  };

  const end: LinkEnd = {
    listDevices: () => ops.listDevices(),
    connectDevice: (id, o) => withCallbacks(o, (options) => ops.connectDevice(id, options)),
    disconnectDevice: (id) => ops.disconnectDevice(id),
    backendCall: (id, operation, args, o) =>
      withCallbacks(o, (options) => ops.backendCall(id, operation, args, options)),
    targetInfo: (id) => ops.targetInfo(id),
    programmerInfo: (id) => ops.programmerInfo(id),
    setPower: (id, setting) => ops.setPower(id, setting),
    debug: (id, request, o) => withCallbacks(o, (options) => ops.debug(id, request, options)),
    cancel: (callId) => ops.cancel(callId),
    serialOpen: (id, o) => ops.serialOpen(id, o),
    serialWrite: (id, bytes) => ops.serialWrite(id, bytes),
    serialClose: (id) => ops.serialClose(id),
    attachCallbacks(callbackPort) {
      backgroundEndpoint(callbackPort, (endpoint) => (hub = wrap<CallbackHub>(endpoint)));
    },
  };
  expose(end, port as unknown as Endpoint);
}

/**
 * Lua side: {@link DeviceOperationsApi} through `port`, whose other end is served by
 * {@link exposeDeviceOperations}. Progress listeners and confirmation prompts in call options
 * travel over the link's one callback channel.
 */
export function wrapDeviceOperations(port: MessagePort): DeviceOperationsApi {
  const remote = wrap<LinkEnd>(port as unknown as Endpoint);
  const pending = new Map<number, Pick<BackendCallOptions, 'onProgress' | 'confirm'>>();
  let nextId = 1;
  let attached = false;

  const hub: CallbackHub = {
    progress(id, event) {
      pending.get(id)?.onProgress?.(event);
    },
    async confirm(id, message) {
      const confirm = pending.get(id)?.confirm;
      return confirm ? Boolean(await confirm(message)) : false;
    },
  };
  /** Opens the callback channel on first use (messages on the link's port stay in order). */
  const attach = () => {
    if (attached) return;
    attached = true;
    const channel = new MessageChannel();
    backgroundEndpoint(channel.port1, (endpoint) => expose(hub, endpoint));
    void remote.attachCallbacks(transfer(channel.port2, [channel.port2])).catch(() => undefined);
  };

  /** Runs `call` with `options`' functions registered under an id (removed when the call ends). */
  const withCallbacks = async <T>(
    options: BackendCallOptions | undefined,
    call: (wire: WireOptions | undefined) => Promise<T>,
  ): Promise<T> => {
    if (!options || (!options.onProgress && !options.confirm)) return call(options);
    attach();
    const { onProgress, confirm, ...rest } = options;
    const id = nextId++;
    pending.set(id, { onProgress, confirm });
    try {
      return await call({
        ...rest,
        callbacks: { id, progress: Boolean(onProgress), confirm: Boolean(confirm) },
      });
    } finally {
      pending.delete(id);
    }
  };

  return {
    listDevices: () => remote.listDevices(),
    connectDevice: (id, o) => withCallbacks(o, (wire) => remote.connectDevice(id, wire)),
    disconnectDevice: (id) => remote.disconnectDevice(id),
    backendCall: (id, operation, args, o) =>
      withCallbacks(o, (wire) => remote.backendCall(id, operation, args, wire)),
    targetInfo: (id) => remote.targetInfo(id),
    programmerInfo: (id) => remote.programmerInfo(id),
    setPower: (id, setting) => remote.setPower(id, setting),
    debug: (id, request, o) => withCallbacks(o, (wire) => remote.debug(id, request, wire)),
    cancel: (callId) => remote.cancel(callId),
    serialOpen: (id, o) => remote.serialOpen(id, o),
    serialWrite: (id, bytes) => remote.serialWrite(id, bytes),
    serialClose: (id) => remote.serialClose(id),
  };
}
