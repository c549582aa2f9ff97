/**
 * The page's handle on script runs. It owns the Lua worker so it can stop any run within
 * 100 ms, whatever the script does:
 *
 * 1. it sets the run's shared stop flag (when SharedArrayBuffer is available, i.e. the page
 *    is cross-origin isolated): a count hook in the worker ends busy loops, even inside pcall;
 * 2. it asks the worker to stop: a run waiting (sleep, confirm, a device call) ends at once,
 *    and the worker cancels its pending device call (`cancel(callId)` in the device worker),
 *    so the device operation ends cleanly and the device stays usable;
 * 3. if the run has not ended after a short grace period (a busy loop without the flag), it
 *    terminates the worker (≈ 0–3.5 ms), cancels the run's device call itself, and starts a
 *    fresh worker for the next run.
 *
 * USB and serial handles live in the device worker, so terminating the Lua worker never
 * cuts a transfer.
 */
import { proxy, type Remote } from 'comlink';
import { WebProgError } from '../../src/core/errors';
import type { LuaWorkerApi, ScriptCallbacks, ScriptRunOptions, ScriptRunResult } from './api';

/** A started Lua worker. */
export interface LuaWorkerHandle {
  /** Its API (a comlink Remote). */
  api: Remote<LuaWorkerApi>;
  /** Ends the worker at once. */
  terminate(): void;
}

/** What the client needs from the page. */
export interface LuaRunnerClientOptions {
  /** Starts a Lua worker (`new Worker(new URL('../../workers/lua.worker.ts', import.meta.url))` + `wrap`). */
  createWorker(): LuaWorkerHandle;
  /**
   * Connects a new worker to the device worker: create a MessageChannel, give one end to the
   * device worker (`device.connectPort(transfer(port1, [port1]))`) and the other to
   * `api.connectDevicePort(transfer(port2, [port2]))`.
   */
  connectDevice?(api: Remote<LuaWorkerApi>): Promise<void>;
  /** The device worker's `cancel(callId)`. */
  cancelDeviceCall?(callId: number): Promise<void>;
  /** How long Stop waits for the run to end by itself before terminating the worker (default 40 ms). */
  stopGraceMs?: number;
  /** Use a shared stop flag (default: when SharedArrayBuffer exists, i.e. cross-origin isolated). */
  useStopFlag?: boolean;
}

/** How a stop went. */
export interface StopReport {
  /** True when the worker had to be terminated. */
  terminated: boolean;
  /** Milliseconds from `stop()` until the run had ended. */
  ms: number;
}

interface ActiveRun {
  callId: number;
  stopFlag?: Int32Array;
  worker: LuaWorkerHandle;
  ended: Promise<unknown>;
  abandon(): void;
}

/** Device call ids of script runs start here (far from the page's own call ids). */
const FIRST_CALL_ID = 0x6000_0000;

/** Runs scripts in a Lua worker it can stop and replace. */
export class LuaRunnerClient {
  private worker?: { handle: LuaWorkerHandle; ready: Promise<void> };
  private active?: ActiveRun;
  private nextCallId = FIRST_CALL_ID;
  private readonly useStopFlag: boolean;

  constructor(private readonly options: LuaRunnerClientOptions) {
    this.useStopFlag = options.useStopFlag ?? typeof SharedArrayBuffer === 'function';
  }

  /** The current worker's API, started and connected (for `hello` and `evaluate`). */
  async api(): Promise<Remote<LuaWorkerApi>> {
    const worker = this.ensureWorker();
    await worker.ready;
    return worker.handle.api;
  }

  /** True while a run is going on. */
  get running(): boolean {
    return this.active !== undefined;
  }

  /**
   * Runs a script. Resolves when it ends, also when stopped (then `error.code` is
   * `CANCELLED`; if the worker had to be terminated the buffer is the one passed in).
   */
  async run(
    code: string,
    options: Omit<ScriptRunOptions, 'deviceCallId' | 'stopFlag'>,
    callbacks: ScriptCallbacks,
  ): Promise<ScriptRunResult> {
    if (this.active) throw new WebProgError('WORKER_ERROR', 'A script is already running.');
    const worker = this.ensureWorker();
    const callId = this.nextCallId++;
    const stopBuffer = this.useStopFlag ? new SharedArrayBuffer(4) : undefined;
    let abandon = () => undefined as void;
    const abandoned = new Promise<ScriptRunResult>((resolve) => {
      abandon = () =>
        resolve({
          ok: false,
          error: new WebProgError('CANCELLED', 'Script stopped.').toRecord(),
          returns: [],
          image: options.image,
          savedFiles: [],
        });
    });
    const finished = worker.ready.then(() =>
      worker.handle.api.run(
        code,
        { ...options, deviceCallId: callId, stopFlag: stopBuffer },
        proxy(callbacks),
      ),
    );
    const ended = Promise.race([finished, abandoned]);
    this.active = {
      callId,
      stopFlag: stopBuffer ? new Int32Array(stopBuffer) : undefined,
      worker: worker.handle,
      ended: ended.catch(() => undefined),
      abandon,
    };
    try {
      return await ended;
    } finally {
      this.active = undefined;
    }
  }

  /** Stops the current run (no-op without one); resolves once it has ended. */
  async stop(): Promise<StopReport> {
    const run = this.active;
    const started = performance.now();
    if (!run) return { terminated: false, ms: 0 };
    if (run.stopFlag) Atomics.store(run.stopFlag, 0, 1);
    void Promise.resolve(run.worker.api.stop()).catch(() => undefined);
    const grace = this.options.stopGraceMs ?? 40;
    const endedInTime = await Promise.race([
      run.ended.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), grace)),
    ]);
    if (!endedInTime) {
      // The worker cancels its own pending device call when it sees stop(); a terminated one cannot.
      if (this.options.cancelDeviceCall)
        void this.options.cancelDeviceCall(run.callId).catch(() => undefined);
      this.replaceWorker(run.worker);
      run.abandon();
      await run.ended;
    }
    return { terminated: !endedInTime, ms: performance.now() - started };
  }

  /** Terminates the worker (a run in progress ends as stopped). */
  dispose(): void {
    this.active?.abandon();
    this.worker?.handle.terminate();
    this.worker = undefined;
  }

  private ensureWorker() {
    if (!this.worker) {
      const handle = this.options.createWorker();
      const ready = this.options.connectDevice ? this.options.connectDevice(handle.api) : Promise.resolve();
      this.worker = { handle, ready };
    }
    return this.worker;
  }

  /** Terminates `handle` and starts its successor at once, so the next run starts warm. */
  private replaceWorker(handle: LuaWorkerHandle): void {
    handle.terminate();
    if (this.worker?.handle === handle) this.worker = undefined;
    this.ensureWorker().ready.catch(() => undefined);
  }
}
