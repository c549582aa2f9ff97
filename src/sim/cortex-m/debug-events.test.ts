import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit } from '../index';
import { wordsToBytes } from '../chips/simulated-chip';
import { connectDapjs, CoreReg, haltCore, Reg, resetAndHalt, runToHalt } from '../testing/dapjs-session';

const RAM = 0x20000000;
const NOP = 0xbf00;
const BKPT = 0xbe00;

/** Thumb halfwords as bytes. */
function thumb(...halfwords: number[]): Uint8Array {
  const out = new Uint8Array(halfwords.length * 2);
  halfwords.forEach((h, i) => {
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  });
  return out;
}

/** A V1 whose flash holds a vector table (SP, reset, NMI, HardFault) and code at 0x100. */
function v1WithVectors(code: Uint8Array = thumb(NOP, NOP, NOP, BKPT)) {
  const vectors = wordsToBytes([RAM + 0x1000, 0x101, 0x201, 0x201]);
  const hardFault = thumb(BKPT | 0x03); // bkpt #3 at 0x200
  return createSimulatedMicrobit('v1', {
    latency: 'zero',
    flash: [
      { address: 0, data: vectors },
      { address: 0x100, data: code },
      { address: 0x200, data: hardFault },
    ],
  });
}

async function dhcsr(cortex: Awaited<ReturnType<typeof connectDapjs>>['cortex']): Promise<number> {
  return (await cortex.readMem32(Reg.DHCSR)) >>> 0;
}

describe('Cortex-M halting debug', () => {
  it('halts out of reset with VC_CORERESET and reports the sticky reset bit once', async () => {
    const probe = v1WithVectors();
    const { cortex } = await connectDapjs(probe.usbDevice);
    await haltCore(cortex);
    await cortex.writeMem32(Reg.DEMCR, 1);
    await cortex.writeMem32(Reg.AIRCR, 0x05fa0004);
    expect(await dhcsr(cortex)).toBe(0x02030003);
    expect(await dhcsr(cortex)).toBe(0x00030003);
    expect((await cortex.readMem32(Reg.DFSR)) >>> 0).toBe(0x9);
    expect(await cortex.readCoreRegister(CoreReg.PC)).toBe(0x100);
    expect(await cortex.readCoreRegister(CoreReg.SP)).toBe(RAM + 0x1000);
    expect((await cortex.readCoreRegister(CoreReg.XPSR)) >>> 0).toBe(0x01000000);
    expect((await cortex.readMem32(Reg.AIRCR)) >>> 16).toBe(0xfa05);
  });

  it('single-steps one instruction', async () => {
    const probe = v1WithVectors();
    const { cortex } = await connectDapjs(probe.usbDevice);
    await haltCore(cortex);
    await cortex.writeMem32(Reg.DEMCR, 1);
    await cortex.writeMem32(Reg.AIRCR, 0x05fa0004);
    await cortex.writeMem32(Reg.DHCSR, 0xa05f0005);
    expect((await dhcsr(cortex)) & 0x20000).toBe(0x20000);
    expect(await cortex.readCoreRegister(CoreReg.PC)).toBe(0x102);
  });

  it('stops on an FPB breakpoint in flash before the instruction runs', async () => {
    const probe = v1WithVectors();
    const { cortex } = await connectDapjs(probe.usbDevice);
    await haltCore(cortex);
    await cortex.writeMem32(Reg.FP_CTRL, 0x3);
    await cortex.writeMem32(Reg.FP_COMP0, (0x104 | 1 | (1 << 30)) >>> 0);
    await cortex.writeCoreRegister(CoreReg.PC, 0x100);
    await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
    expect((await dhcsr(cortex)) & 0x20000).toBe(0x20000);
    expect(await cortex.readCoreRegister(CoreReg.PC)).toBe(0x104);
    expect((await cortex.readMem32(Reg.DFSR)) & 2).toBe(2);
  });

  it('halts on a DWT PC match (DWTENA set) and ignores the comparator without DWTENA', async () => {
    const code = thumb(NOP, NOP, NOP, BKPT);
    for (const dwtena of [true, false]) {
      const probe = createSimulatedMicrobit('v1', { latency: 'zero' });
      const { cortex } = await connectDapjs(probe.usbDevice);
      await haltCore(cortex);
      await cortex.writeMem32(Reg.DEMCR, dwtena ? 1 << 24 : 0);
      await cortex.writeBlock(Reg.DWT_COMP0, Uint32Array.from([RAM + 4, 0, 4]));
      await runToHalt(cortex, RAM, code, {});
      expect(await cortex.readCoreRegister(CoreReg.PC)).toBe(dwtena ? RAM + 4 : RAM + 6);
      expect((await cortex.readMem32(Reg.DFSR)) & 0x6).toBe(dwtena ? 0x4 : 0x2);
    }
  });

  it('halts after a store hits a DWT data watchpoint and sets MATCHED', async () => {
    // ldr r1,[pc,#4]; str r0,[r1]; nop; bkpt; .word 0x20000F00
    const code = new Uint8Array([...thumb(0x4901, 0x6008, NOP, BKPT), ...wordsToBytes([0x20000f00])]);
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const { cortex } = await connectDapjs(probe.usbDevice);
    await haltCore(cortex);
    await cortex.writeMem32(Reg.DEMCR, 1 << 24);
    await cortex.writeBlock(Reg.DWT_COMP0, Uint32Array.from([0x20000f00, 0, 6]));
    await runToHalt(cortex, RAM, code, { [CoreReg.R0]: 0x1234 });
    expect((await cortex.readMem32(Reg.DFSR)) & 0x4).toBe(0x4);
    expect(await cortex.readCoreRegister(CoreReg.PC)).toBe(RAM + 4); // imprecise: after the store
    expect((await cortex.readMem32(0xe0001028)) >>> 24).toBe(1);
    expect((await cortex.readMem32(0xe0001028)) >>> 24).toBe(0); // MATCHED clears on read
    expect(await cortex.readMem32(0x20000f00)).toBe(0x1234);
  });

  it('takes HardFault for an undefined instruction instead of skipping it', async () => {
    for (const bad of [thumb(0xde00), thumb(0xf240, 0x0001)]) {
      const probe = v1WithVectors(bad); // UDF; a Thumb-2 MOVW the v6-M core does not have
      const { cortex } = await connectDapjs(probe.usbDevice);
      await resetAndHalt(cortex); // the chip ran (and faulted) since power-on: start clean
      const before = probe.target.faults.length;
      await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
      expect((await dhcsr(cortex)) & 0x20000).toBe(0x20000);
      expect(await cortex.readCoreRegister(CoreReg.PC)).toBe(0x200); // the HardFault handler's bkpt
      expect((await cortex.readCoreRegister(CoreReg.XPSR)) & 0x3f).toBe(3);
      expect(probe.target.faults.slice(before)).toEqual([{ kind: 'undefined-instruction', pc: 0x100 }]);
      // The stacked return address is the faulting instruction.
      expect(await cortex.readMem32(RAM + 0x1000 - 0x20 + 0x18)).toBe(0x100);
    }
  });

  it('catches HardFault entry with VC_HARDERR', async () => {
    const probe = v1WithVectors(thumb(0xde00));
    const { cortex } = await connectDapjs(probe.usbDevice);
    await resetAndHalt(cortex);
    await cortex.writeMem32(Reg.DEMCR, 1 << 10);
    await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
    expect((await cortex.readMem32(Reg.DFSR)) & 0x8).toBe(0x8);
    expect(await cortex.readCoreRegister(CoreReg.PC)).toBe(0x200);
  });

  it('locks up on a bus fault with an erased vector table, and the debugger sees S_LOCKUP', async () => {
    const probe = createSimulatedMicrobit('v1', { latency: 'zero' });
    const { cortex } = await connectDapjs(probe.usbDevice);
    // ldr r0, [r1] with r1 = 0x30000000 (nothing there)
    await resetAndHalt(cortex);
    const before = probe.target.faults.length;
    await cortex.writeBlock(RAM, Uint32Array.from([0x6808 | (BKPT << 16)]));
    await cortex.writeCoreRegister(CoreReg.R1, 0x30000000);
    await cortex.writeCoreRegister(CoreReg.PC, RAM);
    await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
    expect((await dhcsr(cortex)) & (1 << 19)).toBe(1 << 19);
    expect(probe.target.coreState).toBe('lockup');
    // Stacking for HardFault fails too (SP came from the erased vector table): lockup.
    expect(probe.target.faults.slice(before)).toEqual([{ kind: 'bus-fault', pc: RAM }]);
    await haltCore(cortex);
    expect((await dhcsr(cortex)) & (1 << 19)).toBe(0);
    expect((await cortex.readCoreRegister(CoreReg.PC)) >>> 0).toBe(0xfffffffe);
  });

  it('escalates a BKPT to HardFault when halting debug is off', async () => {
    const probe = v1WithVectors(thumb(NOP, BKPT));
    const { cortex } = await connectDapjs(probe.usbDevice);
    await resetAndHalt(cortex);
    const before = probe.target.faults.length;
    await cortex.writeMem32(Reg.DHCSR, 0xa05f0000); // C_DEBUGEN = 0: run free
    await cortex.readMem32(Reg.DHCSR);
    expect(probe.target.faults.slice(before)).toEqual([
      { kind: 'breakpoint-without-debug', pc: 0x102 },
      { kind: 'breakpoint-without-debug', pc: 0x200 },
    ]);
    expect(probe.target.coreState).toBe('lockup'); // the handler's own BKPT faults inside HardFault
  });

  it('faults when resumed with the Thumb bit clear', async () => {
    const probe = v1WithVectors();
    const { cortex } = await connectDapjs(probe.usbDevice);
    await resetAndHalt(cortex);
    const before = probe.target.faults.length;
    await cortex.writeCoreRegister(CoreReg.XPSR, 0);
    await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
    expect(probe.target.faults[before]).toEqual({ kind: 'invalid-state', pc: 0x100 });
  });

  it('refuses register transfers while the core runs', async () => {
    const probe = v1WithVectors(thumb(0xe7fe)); // b .
    const { cortex } = await connectDapjs(probe.usbDevice);
    await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
    await expect(cortex.readCoreRegister(CoreReg.R0)).rejects.toThrow('Register not ready');
  });
});
