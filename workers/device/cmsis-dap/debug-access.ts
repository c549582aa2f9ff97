/**
 * Low-level debug access for CortexProg special scripts (see `debug-api.ts`) on the
 * CMSIS-DAP backend: raw DP/AP transfers, core words and registers, run control, and the
 * session's device-script entries. Requests that can erase or program the chip ask first;
 * those that may change what the flashing session relies on mark it disturbed, so the next
 * operation connects again before it touches the chip.
 */
import { WebProgError } from '../../../src/core/errors';
import type { OperationContext } from '../backend';
import { debugConfirmation, type DebugInfo, type DebugRequest, type DebugResult } from '../debug-api';
import type { CortexM } from './cortex-m';
import type { DapProbe } from './dap-probe';
import { safeReadHost } from './identify';
import { Slot } from './script-runner';
import type { CmsisDapSession } from './target-session';

/** What a debug request reaches of the backend. */
export interface DebugTarget {
  /** The probe's DAP commands (raw DP and AP transfers). */
  dap: DapProbe;
  /** The attached core: the session's, or the one attached at stage "cpu". */
  cpu: CortexM | undefined;
  /** The flashing session as it is now, if any (its name and loaded code). */
  session(): CmsisDapSession | undefined;
  /** The session, connected again first when it was disturbed. */
  liveSession(ctx: OperationContext): Promise<CmsisDapSession>;
  /** Marks the session disturbed: the next operation connects again first. */
  disturb(): void;
}

/** Carries out a debug request that passed the gate (`confirmRun`: running set-up code). */
export async function runDebugRequest(
  request: Exclude<DebugRequest, { op: 'attach' }>,
  target: DebugTarget,
  confirmRun: boolean,
  ctx: OperationContext,
): Promise<DebugResult> {
  const confirm = () => confirmDebug(request, target.session()?.target.name, ctx);
  switch (request.op) {
    case 'swd_read':
      return {
        value:
          (await target.dap.rawTransfer([{ ap: request.ap, register: (request.a23 & 3) << 2 }]))[0] >>> 0,
      };
    case 'swd_write':
      await confirm();
      // A DP or AP register written behind the engine's back (SELECT, CTRL/STAT, another AP
      // such as a CTRL-AP that resets the chip): the session is rebuilt before its next use.
      target.disturb();
      await target.dap.rawTransfer([
        { ap: request.ap, register: (request.a23 & 3) << 2, write: request.value >>> 0 },
      ]);
      return {};
  }
  const cpu = target.cpu;
  if (!cpu)
    throw new WebProgError('NOT_CONNECTED', 'The CPU is not attached yet (attach stage "cpu" first).');
  switch (request.op) {
    case 'word_read':
      return { value: await cpu.ap.read32(request.address) };
    case 'word_write':
      await confirm();
      if (reachesSession(target.session(), request.address)) target.disturb();
      await cpu.ap.write32(request.address, request.value);
      return {};
    case 'reg_get':
      return { value: await cpu.readRegister(request.reg) };
    case 'reg_set':
      // The device script keeps its state in SP, LR and R4–R12 between calls.
      target.disturb();
      await cpu.writeRegister(request.reg, request.value);
      return {};
    case 'stop':
      await cpu.halt();
      return { value: (await cpu.state()).reasons };
    case 'go':
      if (confirmRun) await confirm();
      target.disturb();
      await cpu.resume();
      return {};
    case 'step':
      if (confirmRun) await confirm();
      target.disturb();
      await cpu.step();
      return { value: (await cpu.state()).reasons };
    case 'reset':
      target.disturb();
      await cpu.reset();
      return {};
    case 'status': {
      const state = await cpu.state();
      return { value: state.halted ? state.reasons : 0 };
    }
  }
  const s = await target.liveSession(ctx);
  switch (request.op) {
    case 'info':
      return { info: await debugInfo(s) };
    case 'script_erase_all':
      if (!s.algorithm.eraseAll)
        throw new WebProgError('NOT_SUPPORTED', `Not Supported: "${s.target.name}" has no mass erase.`);
      await confirm();
      await s.algorithm.eraseAll();
      return {};
    case 'script_erase_block':
      await confirm();
      await s.algorithm.eraseBlock(request.address);
      return {};
    case 'script_write_block':
      await s.algorithm.writeBlock(request.address, request.data);
      return {};
  }
  throw new WebProgError('INVALID_ARGUMENT', `Unknown debug request ${(request as { op: string }).op}.`);
}

/**
 * Asks `ctx.confirm`, when given, before a debug request that can erase or program the chip
 * `chipName` (see {@link debugConfirmation}); a refusal throws CANCELLED and nothing is sent.
 */
async function confirmDebug(
  request: DebugRequest,
  chipName: string | undefined,
  ctx: OperationContext,
): Promise<void> {
  const kind = debugConfirmation(request);
  if (!kind || !ctx.confirm) return;
  const chip = chipName ?? 'chip';
  const question =
    kind === 'erase_all'
      ? `Erase the whole ${chip}? Everything on the chip is lost.`
      : kind === 'erase_block'
        ? `Erase flash blocks of the ${chip} through its device script?`
        : kind === 'run_code'
          ? `Run the ${chip}'s core from the registers the script set? Such code can erase or program its flash.`
          : `Write to the ${chip}'s memory and access ports directly? Such writes can erase or program its flash.`;
  if (!(await ctx.confirm(question))) {
    throw new WebProgError(
      'CANCELLED',
      kind === 'raw_write'
        ? 'The direct write was not confirmed.'
        : kind === 'run_code'
          ? 'Running the code the script set up was not confirmed.'
          : 'Erase was not confirmed.',
    );
  }
}

/**
 * True when a word written at `address` may change what the session relies on: the loaded
 * device script's code and data, or the core's debug registers (halt control, the DWT
 * comparator that traps the script's syscalls), in the system space from 0xE0000000.
 */
function reachesSession(s: CmsisDapSession | undefined, address: number): boolean {
  if (!s) return false;
  const { address: from, size } = s.loaded;
  return address >>> 0 >= 0xe000_0000 || (address >= from - 3 && address < from + size);
}

/** What the "info" request reports of the session: the core, staging buffer, entries and blocks. */
async function debugInfo(s: CmsisDapSession): Promise<DebugInfo> {
  const cpuid = (await s.cpu.ap.read32(0xe000ed00)) >>> 0;
  const isV7 = ((cpuid >>> 16) & 0xf) === 0xf;
  // MVFR0 (0xE000EF40) is non-zero on cores with an FPU; it does not exist on ARMv6-M.
  const mvfr0 = isV7 ? await safeReadHost(s.cpu.ap).safeRead(0xe000ef40) : undefined;
  const ops =
    (s.algorithm.eraseAll ? 1 : 0) |
    (s.runner ? (s.runner.has(Slot.pageErase) ? 2 : 0) | (s.runner.has(Slot.pageWrite) ? 4 : 0) : 6);
  return {
    hasFpu: (mvfr0 ?? 0) !== 0,
    isV7,
    stagingAddr: s.stagingAddr,
    supportedOps: ops,
    blocks: s.regions.map((r) => ({
      base: r.base,
      size: r.size,
      eraseSize: r.eraseSize,
      writeSize: r.writeSize,
    })),
  };
}
