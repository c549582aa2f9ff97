/**
 * dapjs (WebUSB transport + CmsisDAP + ADI + CortexM) connected to a simulated probe, and the
 * register numbers tests need (dapjs's const enums cannot be imported under isolatedModules).
 */
import * as dapjsModule from 'dapjs';
import type { ADI, CmsisDAP, CortexM, WebUSB } from 'dapjs';

// Bundlers load dapjs's ESM build (named exports); plain Node loads its UMD build, whose
// exports only appear on the CommonJS default export.
const dapjs = (
  'ADI' in dapjsModule ? dapjsModule : (dapjsModule as { default: typeof dapjsModule }).default
) as typeof dapjsModule;

/** Debug and system register addresses. */
export const Reg = {
  CPUID: 0xe000ed00,
  AIRCR: 0xe000ed0c,
  DFSR: 0xe000ed30,
  DHCSR: 0xe000edf0,
  DCRSR: 0xe000edf4,
  DCRDR: 0xe000edf8,
  DEMCR: 0xe000edfc,
  DWT_COMP0: 0xe0001020,
  FP_CTRL: 0xe0002000,
  FP_COMP0: 0xe0002008,
} as const;

/** Core register numbers (DCRSR REGSEL). */
export const CoreReg = { R0: 0, R1: 1, R2: 2, R3: 3, R4: 4, SP: 13, LR: 14, PC: 15, XPSR: 16 } as const;

/** dapjs's objects for one connected probe. */
export interface DapjsSession {
  transport: WebUSB;
  dap: CmsisDAP;
  adi: ADI;
  cortex: CortexM;
}

/** Opens `device` with dapjs and runs `ADI.connect()` (SWD, power-up). */
export async function connectDapjs(device: USBDevice): Promise<DapjsSession> {
  const transport = new dapjs.WebUSB(device);
  const dap = new dapjs.CmsisDAP(transport);
  const adi = new dapjs.ADI(dap);
  const cortex = new dapjs.CortexM(dap);
  await cortex.connect();
  return { transport, dap, adi, cortex };
}

/** Halts the core and polls DHCSR.S_HALT with a bounded number of reads. */
export async function haltCore(cortex: CortexM): Promise<void> {
  await cortex.writeMem32(Reg.DHCSR, 0xa05f0003);
  for (let i = 0; i < 100; i++) if (await cortex.isHalted()) return;
  throw new Error('core did not halt');
}

/** Reset and halt as hosts do it: halt, DEMCR.VC_CORERESET, AIRCR.SYSRESETREQ, wait for S_HALT. */
export async function resetAndHalt(cortex: CortexM): Promise<void> {
  await haltCore(cortex);
  const demcr = await cortex.readMem32(Reg.DEMCR);
  await cortex.writeMem32(Reg.DEMCR, demcr | 1);
  await cortex.writeMem32(Reg.AIRCR, 0x05fa0004);
  for (let i = 0; i < 100; i++) {
    if ((await cortex.readMem32(Reg.DHCSR)) & (1 << 17)) {
      await cortex.writeMem32(Reg.DEMCR, demcr);
      return;
    }
  }
  throw new Error('core did not halt after reset');
}

/** Writes `words` at `address` with dapjs's writeBlock, rewriting TAR at every 1 KiB boundary. */
export async function writeWords(cortex: CortexM, address: number, words: Uint32Array): Promise<void> {
  for (let i = 0; i < words.length;) {
    const at = address + 4 * i;
    const n = Math.min(words.length - i, (0x400 - (at & 0x3ff)) / 4);
    await cortex.writeBlock(at, words.slice(i, i + n));
    i += n;
  }
}

/** Reads `count` words at `address` with dapjs's readBlock, split at 1 KiB boundaries. */
export async function readWords(cortex: CortexM, address: number, count: number): Promise<Uint32Array> {
  const out = new Uint32Array(count);
  for (let i = 0; i < count;) {
    const at = address + 4 * i;
    const n = Math.min(count - i, (0x400 - (at & 0x3ff)) / 4);
    out.set(await cortex.readBlock(at, n), i);
    i += n;
  }
  return out;
}

/** Loads `code` at `address` (words split at 1 KiB boundaries), sets registers, runs to a halt. */
export async function runToHalt(
  cortex: CortexM,
  address: number,
  code: Uint8Array,
  registers: Partial<Record<number, number>>,
  maxPolls = 10_000,
): Promise<void> {
  await haltCore(cortex);
  const padded = new Uint8Array(Math.ceil(code.length / 4) * 4);
  padded.set(code);
  await writeWords(cortex, address, new Uint32Array(padded.buffer));
  for (const [reg, value] of Object.entries(registers))
    await cortex.writeCoreRegister(Number(reg), value as number);
  await cortex.writeCoreRegister(CoreReg.PC, address);
  await cortex.writeCoreRegister(CoreReg.XPSR, 0x01000000);
  await cortex.writeMem32(Reg.DFSR, 0x1f);
  await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
  for (let i = 0; i < maxPolls; i++) if (await cortex.isHalted()) return;
  throw new Error('program did not halt');
}
