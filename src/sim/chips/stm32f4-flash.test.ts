/**
 * The STM32F4 flash interface driven through its registers as a debugger would, for read-out
 * protection level 2 (RDP = 0xCC, RM0383 §3.6.3 "Read protection"): level 1's protection holds
 * and the option bytes can no longer be changed, so the level cannot be undone.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock';
import { DEBUG } from '../cortex-m/bus';
import { NorFlash } from './nor-flash';
import { OPTCR_DEFAULT, Stm32f4Flash } from './stm32f4-flash';
import { STM32F411_SECTORS } from './stm32f411';
import { STM32F411_TIMINGS } from './timing-profiles';

const OPTKEYR = 0x08;
const OPTCR = 0x14;

function controller(rdp: number): { flash: NorFlash; fpec: Stm32f4Flash } {
  const flash = new NorFlash(512 * 1024);
  flash.load(0, new Uint8Array(16).fill(0x42));
  const fpec = new Stm32f4Flash({
    clock: new VirtualClock(),
    flash,
    sectorSizes: STM32F411_SECTORS,
    timings: STM32F411_TIMINGS.typical,
    timeScale: 0,
    debuggerConnected: () => true,
    optcr: ((OPTCR_DEFAULT & ~0xff00) | (rdp << 8)) >>> 0,
  });
  return { flash, fpec };
}

describe('STM32F4 read-out protection level 2 (RDP 0xCC)', () => {
  it('keeps the debugger out of the flash as level 1 does', () => {
    const { fpec } = controller(0xcc);
    expect(fpec.readProtected).toBe(true);
    expect(() => fpec.arrayPort.read(0, 4, DEBUG)).toThrow();
  });

  it('cannot be set back to level 0: the option bytes stay, the flash is not erased', () => {
    const { flash, fpec } = controller(0xcc);
    const regs = fpec.registers;
    regs.write(OPTKEYR, 0x08192a3b, 4, DEBUG);
    regs.write(OPTKEYR, 0x4c5d6e7f, 4, DEBUG);
    regs.write(OPTCR, ((OPTCR_DEFAULT & ~3) | 2) >>> 0, 4, DEBUG); // RDP 0xAA, OPTSTRT
    fpec.reset();
    expect(fpec.readProtected).toBe(true);
    expect(flash.read(0, 4)).toBe(0x42424242);
  });

  it('level 1 still goes back to level 0 with a mass erase', () => {
    const { flash, fpec } = controller(0x55);
    const regs = fpec.registers;
    regs.write(OPTKEYR, 0x08192a3b, 4, DEBUG);
    regs.write(OPTKEYR, 0x4c5d6e7f, 4, DEBUG);
    regs.write(OPTCR, ((OPTCR_DEFAULT & ~3) | 2) >>> 0, 4, DEBUG);
    fpec.reset();
    expect(fpec.readProtected).toBe(false);
    expect(flash.read(0, 4)).toBe(0xffffffff);
  });
});
