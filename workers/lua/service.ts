/** The Lua worker's implementation of {@link LuaWorkerApi}. */
import { wrap } from 'comlink';
import { WebProgError, toWebProgError } from '../../src/core/errors';
import type { DeviceOperationsApi } from '../device/device-api';
import { imageFromDto, imageToDto } from '../device/image-dto';
import type { LuaValue, LuaWorkerApi, ScriptRunResult } from './api';
import type { ScriptContext } from './mp/context';
import { installMp } from './mp/prelude';
import { applySandbox } from './sandbox';
import { installSpecial, runSpecialSteps } from './special/driver';
import { installCoroutineFix } from './vm/coroutines';
import { LuaVm } from './vm/lua-vm';
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
  let device = options.device;
  let current: AbortController | undefined;
  let nextCallId = FIRST_CALL_ID;

  return {
    async hello() {
      return { version: options.version, time: performance.now() };
    },

    async evaluate(code, chunkName = 'script.lua') {
      const engine = await (await loadVm()).createEngine();
      try {
        applySandbox(engine);
        const values = await runChunk(engine, code, { chunkName });
        return values.map(toLuaValue);
      } finally {
        engine.close();
      }
    },

    async run(code, runOptions, callbacks) {
      if (current) throw new WebProgError('WORKER_ERROR', 'A script is already running in this worker.');
      const controller = new AbortController();
      current = controller;
      const ctx: ScriptContext = {
        image: imageFromDto(runOptions.image),
        readOnlyRegions: new Set(),
        files: new Map((runOptions.files ?? []).map((f) => [f.name, f.bytes])),
        savedFiles: [],
        device,
        deviceId: runOptions.deviceId,
        deviceCallId: runOptions.deviceCallId ?? nextCallId++,
        allowHwWrites: runOptions.allowHwWrites ?? false,
        config: { ...runOptions.config, device_id: runOptions.deviceId ?? '' },
        args: runOptions.args ?? [],
        callbacks,
        signal: controller.signal,
        version: options.version,
      };
      const cancelDeviceCall = () => void ctx.device?.cancel(ctx.deviceCallId).catch(() => undefined);
      controller.signal.addEventListener('abort', cancelDeviceCall, { once: true });
      const finish = (result: Omit<ScriptRunResult, 'image' | 'savedFiles'>): ScriptRunResult => ({
        ...result,
        image: imageToDto(ctx.image),
        savedFiles: ctx.savedFiles,
      });
      let engine;
      try {
        engine = await (await loadVm()).createEngine(runOptions.memoryLimit);
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
        const values = await runChunk(engine, code, chunkOptions);
        // A CortexProg special script (global init and main) now runs through its steps.
        await runSpecialSteps(engine, chunkOptions);
        return finish({ ok: true, returns: values.map(toLuaValue) });
      } catch (error) {
        return finish({ ok: false, error: toWebProgError(error).toRecord(), returns: [] });
      } finally {
        controller.signal.removeEventListener('abort', cancelDeviceCall);
        engine?.close();
        current = undefined;
      }
    },

    async stop() {
      current?.abort();
    },

    async connectDevicePort(port) {
      device = wrap<DeviceOperationsApi>(port);
    },
  };
}

/** Converts a value wasmoon returned into plain, cloneable data. */
function toLuaValue(value: unknown): LuaValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toLuaValue);
  if (typeof value === 'object') {
    const out: Record<string, LuaValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toLuaValue(v);
    return out;
  }
  return String(value);
}
