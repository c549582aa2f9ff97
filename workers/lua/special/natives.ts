/**
 * The functions CortexProg exports to special scripts (`tool/opSpecial.c`), over the device
 * worker's debug access (`DeviceOperationsApi.debug`). As in CortexProg, a function whose
 * part of the connection is not up raises an error (" special: cpu not available"), a bad
 * argument raises an error, and a failed operation returns nil — here followed by the message
 * and the error code, which CortexProg scripts simply ignore.
 *
 * The probe-side helpers CortexProg's own probe has (clock and reset-pin control, code
 * upload) are not part of the debug access of CMSIS-DAP probes here: they return nil with a
 * "Not Supported" message, as CortexProg does on probes that lack them.
 */
import { WebProgError } from '../../../src/core/errors';
import type { BackendCallOptions } from '../../device/device-api';
import {
  debugConfirmation,
  type DebugConfirmation,
  type DebugInfo,
  type DebugRequest,
  type DebugResult,
} from '../../device/debug-api';
import type { ScriptContext } from '../mp/context';
import { describeError, natives } from '../mp/natives';
import type { LuaCall } from '../vm/lua-call';
import { LuaTag } from '../vm/raw-lua';
import { Blocking, type NativeEntry } from '../vm/native-bridge';
import { cortexProgRegToRegsel } from './constants';

/** How far the connection of a special-script run is up. */
export interface SpecialLink {
  /** The probe is open (step 1 on). */
  dbg: boolean;
  /** The debug port is initialised (step 2 on); the core link exists but is not granted yet. */
  dbgReady: boolean;
  /** The script asked for the CPU and it is attached (step 3 on). */
  cpu: boolean;
  /** A device script is loaded and initialised (step 4 on). */
  scpt: boolean;
  /** The loaded script's facts. */
  info?: DebugInfo;
  /** Core facts, read once. */
  core?: { isV7: boolean; hasFpu: boolean };
}

const CPUID = 0xe000ed00;
const MVFR0 = 0xe000ef40;

/** A CortexProg-style unsigned argument: an integer with no bits outside `mask`. */
function uint(c: LuaCall, index: number, mask: number, what: string): number {
  const value = c.type(index) === LuaTag.Boolean ? (c.boolean(index, what) ? 1 : 0) : c.integer(index, what);
  if (value < 0 || value > 0xffffffff || (value & ~mask) >>> 0 !== 0) {
    throw new WebProgError('INVALID_ARGUMENT', `${c.name}: invalid '${what}' param (${value}).`);
  }
  return value >>> 0;
}

/** The special-script natives of a run sharing `link`, keyed by their global names. */
export function specialNatives(ctx: ScriptContext, link: SpecialLink): Record<string, NativeEntry> {
  // Writes go through the device worker's hardware-write gate with this run's
  // `mp.app.allow_hw_writes` state, and the page confirms what can erase or program the chip.
  // A person is asked once per run about direct writes and block erases (a script makes many),
  // and at every mass erase, as `mp.backend.erase` does.
  const answers = new Map<DebugConfirmation, boolean>();
  const confirmFor = (kind: DebugConfirmation) => async (message: string) => {
    const known = answers.get(kind);
    if (known !== undefined) return known;
    const yes = Boolean(await ctx.callbacks.confirm(message));
    if (kind !== 'erase_all') answers.set(kind, yes);
    return yes;
  };
  const debug = (request: DebugRequest): Promise<DebugResult> => {
    if (!ctx.device || !ctx.deviceId) {
      return Promise.reject(
        new WebProgError(
          'NOT_CONNECTED',
          'No programmer is selected: choose one in the app before running the script.',
        ),
      );
    }
    const options: BackendCallOptions = { callId: ctx.deviceCallId, allowWrites: ctx.allowHwWrites };
    const kind = debugConfirmation(request);
    // Once a person said yes for this run, the device worker is not asked to ask again.
    if (kind && answers.get(kind) !== true) options.confirm = confirmFor(kind);
    return ctx.device.debug(ctx.deviceId, request, options);
  };
  /** Resolves to `[value]`, or `[nil, message, code]` when `work` fails. */
  const nilOnFailure = (work: () => Promise<unknown>): Blocking =>
    new Blocking(
      work().then(
        (value) => [value],
        (error: unknown) => {
          const { message, code } = describeError(error);
          return [null, message, code];
        },
      ),
    );
  const requireLink = (part: 'dbg' | 'cpu' | 'scpt', name: string) => {
    if (!link[part]) {
      const what = part === 'dbg' ? 'debugger' : part === 'cpu' ? 'cpu' : 'script';
      throw new WebProgError('NOT_CONNECTED', `${name}: special: ${what} not available at this step.`);
    }
  };
  const value = async (request: DebugRequest) => (await debug(request)).value! >>> 0;
  const done = async (request: DebugRequest) => {
    await debug(request);
    return true;
  };
  const core = async () => {
    if (!link.core) {
      const cpuid = await value({ op: 'word_read', address: CPUID });
      const isV7 = ((cpuid >>> 16) & 0xf) === 0xf;
      // MVFR0 is non-zero on cores with an FPU; ARMv6-M has no such register.
      const mvfr0 = isV7 ? await value({ op: 'word_read', address: MVFR0 }).catch(() => 0) : 0;
      link.core = { isV7, hasFpu: mvfr0 !== 0 };
    }
    return link.core;
  };
  const info = () => {
    if (!link.info) throw new WebProgError('INTERNAL', 'The device script facts were not read.');
    return link.info;
  };
  const block = (address: number) =>
    info().blocks.find((b) => address >= b.base && address < b.base + b.size);
  const notSupported = (what: string) => () => [
    null,
    `Not Supported: ${what} is not available on CMSIS-DAP probes.`,
    'NOT_SUPPORTED',
  ];

  return natives('special', {
    dbgSwdRead: (c) => {
      const ap = uint(c, 1, 1, 'ap');
      const a23 = uint(c, 2, 3, 'a23');
      requireLink('dbg', c.name);
      return nilOnFailure(() => value({ op: 'swd_read', ap: ap === 1, a23 }));
    },
    dbgSwdWrite: (c) => {
      const ap = uint(c, 1, 1, 'ap');
      const a23 = uint(c, 2, 3, 'a23');
      const val = uint(c, 3, 0xffffffff, 'val');
      requireLink('dbg', c.name);
      return nilOnFailure(() => done({ op: 'swd_write', ap: ap === 1, a23, value: val }));
    },
    dbgSetClock: notSupported('setting the SWD clock from a script'),
    dbgSetResetPin: notSupported('driving the reset pin from a script'),
    dbgCodeUploadInit: notSupported('code upload'),
    dbgCodeUploadAddOpcode: notSupported('code upload'),
    dbgCodeUploadRun: notSupported('code upload'),
    cpuWordRead: (c) => {
      const address = uint(c, 1, 0xffffffff, 'addr');
      requireLink('cpu', c.name);
      return nilOnFailure(() => value({ op: 'word_read', address }));
    },
    cpuWordWrite: (c) => {
      const address = uint(c, 1, 0xffffffff, 'addr');
      const val = uint(c, 2, 0xffffffff, 'val');
      requireLink('cpu', c.name);
      return nilOnFailure(() => done({ op: 'word_write', address, value: val }));
    },
    cpuRegGet: (c) => {
      const reg = uint(c, 1, 0x3f, 'regNo');
      requireLink('cpu', c.name);
      return nilOnFailure(async () => {
        const regsel = cortexProgRegToRegsel(reg, (await core()).hasFpu);
        if (regsel === undefined)
          throw new WebProgError('INVALID_ARGUMENT', `${c.name}: invalid regNo ${reg} for this CPU.`);
        return value({ op: 'reg_get', reg: regsel });
      });
    },
    cpuRegSet: (c) => {
      const reg = uint(c, 1, 0x3f, 'regNo');
      const val = uint(c, 2, 0xffffffff, 'regVal');
      requireLink('cpu', c.name);
      return nilOnFailure(async () => {
        const regsel = cortexProgRegToRegsel(reg, (await core()).hasFpu);
        if (regsel === undefined)
          throw new WebProgError('INVALID_ARGUMENT', `${c.name}: invalid regNo ${reg} for this CPU.`);
        return done({ op: 'reg_set', reg: regsel, value: val });
      });
    },
    cpuStop: (c) => (requireLink('cpu', c.name), nilOnFailure(() => value({ op: 'stop' }))),
    cpuStep: (c) => (requireLink('cpu', c.name), nilOnFailure(() => value({ op: 'step' }))),
    cpuIsStoppedAndWhy: (c) => (requireLink('cpu', c.name), nilOnFailure(() => value({ op: 'status' }))),
    cpuReset: (c) => (requireLink('cpu', c.name), nilOnFailure(() => done({ op: 'reset' }))),
    cpuGo: (c) => (requireLink('cpu', c.name), nilOnFailure(() => done({ op: 'go' }))),
    cpuHasFpu: (c) => (
      requireLink('cpu', c.name),
      new Blocking(
        core().then(
          (k) => [k.hasFpu],
          () => [false],
        ),
      )
    ),
    cpuIsV7: (c) => (
      requireLink('cpu', c.name),
      new Blocking(
        core().then(
          (k) => [k.isV7],
          () => [false],
        ),
      )
    ),
    scriptGetFlashWriteStageAreaAddr: (c) => (requireLink('scpt', c.name), [info().stagingAddr]),
    scriptGetSupportedOps: (c) => (requireLink('scpt', c.name), [info().supportedOps]),
    scriptGetFlashBlockSize: (c) => {
      const base = uint(c, 1, 0xffffffff, 'baseAddr');
      const forWrite = c.type(2) === LuaTag.Boolean ? c.boolean(2, 'forWrite') : !c.isNil(2);
      requireLink('scpt', c.name);
      const b = block(base);
      return [b ? (forWrite ? b.writeSize : b.eraseSize) : null];
    },
    scriptEraseAll: (c) => (
      requireLink('scpt', c.name),
      nilOnFailure(() => done({ op: 'script_erase_all' }))
    ),
    scriptEraseBlock: (c) => {
      const address = uint(c, 1, 0xffffffff, 'baseAddr');
      requireLink('scpt', c.name);
      return nilOnFailure(() => done({ op: 'script_erase_block', address }));
    },
    scriptWriteBlock: (c) => {
      const address = uint(c, 1, 0xffffffff, 'baseAddr');
      requireLink('scpt', c.name);
      return nilOnFailure(async () => {
        const b = block(address);
        if (!b)
          throw new WebProgError(
            'ADDRESS_OUT_OF_RANGE',
            `${c.name}: 0x${address.toString(16)} is not in flash.`,
          );
        // As in CortexProg, the block's data is what the script put in the staging area.
        const staging = info().stagingAddr;
        const words = await Promise.all(
          Array.from({ length: b.writeSize / 4 }, (_, i) =>
            value({ op: 'word_read', address: staging + 4 * i }),
          ),
        );
        const data = new Uint8Array(new Uint32Array(words).buffer);
        return done({ op: 'script_write_block', address, data });
      });
    },
  });
}
