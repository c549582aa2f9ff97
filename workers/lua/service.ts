/** The Lua worker's implementation of {@link LuaWorkerApi}. */
import { WebProgError, toWebProgError } from '../../src/core/errors';
import type { DeviceOperationsApi } from '../device/device-api';
import { wrapDeviceOperations } from '../device/device-link';
import { imageFromDto, imageToDto } from '../device/image-dto';
import type { LuaValue, LuaWorkerApi, ScriptCallbacks, ScriptRunOptions, ScriptRunResult } from './api';
import { notify, type ScriptContext } from './mp/context';
import { withFamily } from './mp/config';
import { LogTail } from './mp/log-tail';
import { LogCap } from './mp/log-cap';
import { RunLogFile, logFileName } from './mp/log-file';
import { flushLogFile } from './mp/file';
import { RunMemory } from './mp/run-memory';
import { installMp } from './mp/prelude';
import { applySandbox } from './sandbox';
import { installSpecial, runSpecialSteps } from './special/driver';
import { installCoroutineFix } from './vm/coroutines';
import { LuaVm, SCRIPT_MEMORY_LIMIT, type ScriptEngine } from './vm/lua-vm';

/** `mp.config.get()`'s fields before the page or the script sets them (MultiProg's names). */
const EMPTY_CONFIG = { target: '', family: '', programmer: '', power: '', file_path: '', region_index: 0 };
import { runChunk } from './vm/script-runner';

/** First device call id of runs that bring none (far above the page's own call ids). */
const FIRST_CALL_ID = 0x4000_0000;

/** What the service needs. */
export interface LuaServiceOptions {
  /** Where the Lua wasm is served from (Vite `?url` import); undefined in Node. */
  wasmUrl?: string;
  /** App version (`mp.app.version()`). */
  version: string;
  /** Device operations reachable without a port (tests, benchmarks). */
  device?: DeviceOperationsApi;
}

/** Creates the Lua service. The wasm loads on first use. */
export function createLuaService(options: LuaServiceOptions): LuaWorkerApi {
  let vm: Promise<LuaVm> | undefined;
  const loadVm = () => (vm ??= LuaVm.create(options.wasmUrl));
  /** After a trap the module's memory may be corrupt: the next run loads a fresh one. */
  const discardVm = () => {
    vm = undefined;
  };
  /** Frees `engine`; a trap while doing so discards the module and is returned. */
  const closeEngine = (engine: ScriptEngine | undefined): unknown => {
    try {
      engine?.close();
      return undefined;
    } catch (error) {
      discardVm();
      return error;
    }
  };
  let device = options.device;
  let current: AbortController | undefined;
  let nextCallId = FIRST_CALL_ID;

  const runScript = async (
    code: string,
    runOptions: ScriptRunOptions,
    callbacks: ScriptCallbacks,
    controller: AbortController,
  ): Promise<ScriptRunResult> => {
    const image = imageFromDto(runOptions.image);
    const files = new Map((runOptions.files ?? []).map((f) => [f.name, f.bytes]));
    const ctx: ScriptContext = {
      image,
      readOnlyRegions: new Set(),
      files,
      savedFiles: [],
      memory: new RunMemory(runOptions.memoryLimit ?? SCRIPT_MEMORY_LIMIT),
      bufferBaseline: image.data.byteCount,
      log: new LogCap(),
      logTail: new LogTail(),
      scriptShortcuts: (runOptions.scriptShortcuts ?? []).map((s) => ({ name: s.name, path: s.path })),
      device,
      deviceId: runOptions.deviceId,
      deviceCallId: runOptions.deviceCallId ?? nextCallId++,
      allowHwWrites: runOptions.allowHwWrites ?? false,
      config: withFamily({
        ...EMPTY_CONFIG,
        ...runOptions.config,
        device_id: runOptions.deviceId ?? '',
      }),
      args: runOptions.args ?? [],
      workspace: runOptions.workspace,
      logFile:
        runOptions.workspace === undefined
          ? undefined
          : new RunLogFile(
              logFileName(new Date(), files),
              runOptions.workspace,
              runOptions.chunkName ?? 'script.lua',
            ),
      callbacks,
      signal: controller.signal,
      version: options.version,
    };
    const cancelDeviceCall = () => void ctx.device?.cancel(ctx.deviceCallId).catch(() => undefined);
    controller.signal.addEventListener('abort', cancelDeviceCall, { once: true });
    const finish = (
      result: Omit<ScriptRunResult, 'image' | 'savedFiles' | 'scriptShortcuts'>,
    ): ScriptRunResult => {
      const cut = ctx.log.summary();
      if (cut) notify(() => callbacks.onLog('warn', cut, Date.now()));
      return {
        ...result,
        image: imageToDto(ctx.image),
        savedFiles: ctx.savedFiles,
        scriptShortcuts: ctx.scriptShortcuts,
      };
    };
    let engine: ScriptEngine | undefined;
    let outcome: Omit<ScriptRunResult, 'image' | 'savedFiles' | 'scriptShortcuts'>;
    try {
      engine = await (await loadVm()).createEngine(ctx.memory.limit);
      const lua = engine;
      ctx.memory.attach({ used: () => lua.memoryUsed(), setMax: (max) => lua.setMemoryMax(max) });
      lua.scope.reserve = (bytes) => ctx.memory.reserve(bytes);
      applySandbox(engine);
      installCoroutineFix(engine);
      installMp(engine, ctx);
      installSpecial(engine, ctx, runOptions.specialParams);
      const stopFlag = runOptions.stopFlag ? new Int32Array(runOptions.stopFlag) : undefined;
      const chunkOptions = {
        chunkName: runOptions.chunkName ?? 'script.lua',
        signal: controller.signal,
        stopFlag,
      };
      const returns = await runChunk(engine, code, chunkOptions);
      // A CortexProg special script (global init and main) now runs through its steps.
      await runSpecialSteps(engine, chunkOptions);
      outcome = { ok: true, returns };
    } catch (error) {
      if (isEngineFailure(error)) {
        discardVm();
        engine = undefined;
        outcome = { ok: false, error: engineFailed(error).toRecord(), returns: [] };
      } else {
        outcome = { ok: false, error: toWebProgError(error).toRecord(), returns: [] };
      }
    } finally {
      controller.signal.removeEventListener('abort', cancelDeviceCall);
    }
    // The run's lines reach today's log while the run's memory budget can still be asked.
    const cut = ctx.log.summary();
    if (cut) ctx.logFile?.add('warn', cut, Date.now());
    // How the run ended, as the page shows it, when it failed.
    if (outcome.error) ctx.logFile?.add('error', outcome.error.message, Date.now());
    try {
      flushLogFile(ctx);
    } catch (error) {
      const text = `Today's log ${ctx.logFile?.name ?? ''} could not be written: ${toWebProgError(error).message}`;
      notify(() => callbacks.onLog('warn', text, Date.now()));
    }
    const closeFailure = closeEngine(engine);
    if (closeFailure !== undefined) {
      outcome = { ok: false, error: engineFailed(closeFailure).toRecord(), returns: [] };
    }
    return finish(outcome);
  };

  return {
    async hello() {
      return { version: options.version, time: performance.now() };
    },
    async evaluate(code, chunkName = 'script.lua') {
      let engine: ScriptEngine | undefined;
      let values: LuaValue[] = [];
      let failure: { error: unknown } | undefined;
      try {
        engine = await (await loadVm()).createEngine();
        applySandbox(engine);
        values = await runChunk(engine, code, { chunkName });
      } catch (error) {
        failure = { error };
      }
      if (failure && isEngineFailure(failure.error)) {
        discardVm();
        throw engineFailed(failure.error);
      }
      const closeFailure = closeEngine(engine);
      if (closeFailure !== undefined) throw engineFailed(closeFailure);
      if (failure) throw failure.error;
      return values;
    },
    async run(code, runOptions, callbacks) {
      if (current) throw new WebProgError('WORKER_ERROR', 'A script is already running in this worker.');
      const controller = new AbortController();
      current = controller;
      try {
        return await runScript(code, runOptions, callbacks, controller);
      } catch (error) {
        // Only bad options get here (e.g. an image that cannot be rebuilt); the worker stays usable.
        return {
          ok: false,
          error: toWebProgError(error).toRecord(),
          returns: [],
          image: runOptions.image,
          savedFiles: [],
        };
      } finally {
        current = undefined;
      }
    },
    async stop() {
      current?.abort();
    },
    async connectDevicePort(port) {
      device = wrapDeviceOperations(port);
    },
  };
}

/**
 * True for failures of the wasm module itself (a trap such as "memory access out of bounds",
 * an emscripten abort, a JS stack overflow inside wasm): the module's state can no longer be
 * trusted.
 */
function isEngineFailure(error: unknown): boolean {
  if (error instanceof WebAssembly.RuntimeError) return true;
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function engineFailed(error: unknown): WebProgError {
  const detail = error instanceof Error ? error.message : String(error);
  return new WebProgError(
    'SCRIPT_ENGINE_FAILED',
    `The Lua engine failed (${detail}) and was discarded; the next script runs in a fresh one.`,
    { cause: error },
  );
}
