/**
 * The STM32G071 flash interface and the SAM D21 NVMCTRL/DSU driven register by register through
 * the debugger (dapjs over the simulated probe), as a vendor flash algorithm or a debugger
 * would: keys, program width and alignment rules, error flags, busy times in modeled time,
 * option bytes / user row, read protection and its removal.
 */
import type { CortexM } from 'dapjs';
import { describe, expect, it } from 'vitest';
import {
  createSimulatedArduinoZeroProbe,
  createSimulatedStm32g071Probe,
  type SimulatedProbe,
} from '../index';
import { DAPLINK_LATENCY, DAPLINK_WORST_CASE, type LatencyOption } from '../clock';
import { CPU } from '../cortex-m/bus';
import { connectDapjs, haltCore } from '../testing/dapjs-session';
import { SAMD21_TIMINGS, STM32G071_TIMINGS } from './timing-profiles';

async function session(probe: SimulatedProbe): Promise<CortexM> {
  const { cortex } = await connectDapjs(probe.usbDevice);
  await haltCore(cortex);
  return cortex;
}

/** Polls `address` until `(word & mask) === want`; returns the modeled ms it took. */
async function pollUntil(
  probe: SimulatedProbe,
  cortex: CortexM,
  address: number,
  mask: number,
  want: number,
) {
  const start = probe.clock.elapsedMs;
  while (((await cortex.readMem32(address)) & mask) >>> 0 !== want) {
    if (probe.clock.elapsedMs - start > 1000) throw new Error('timed out');
  }
  return probe.clock.elapsedMs - start;
}

describe('STM32G071 flash interface (RM0444)', () => {
  const FLASH = 0x40022000;
  const KEYR = FLASH + 0x08;
  const OPTKEYR = FLASH + 0x0c;
  const SR = FLASH + 0x10;
  const CR = FLASH + 0x14;
  const OPTR = FLASH + 0x20;
  const BSY1 = 1 << 16;
  const create = (latency: LatencyOption = 'daplink', locked = false) =>
    createSimulatedStm32g071Probe({ latency, locked });
  const unlock = async (cortex: CortexM) => {
    await cortex.writeMem32(KEYR, 0x45670123);
    await cortex.writeMem32(KEYR, 0xcdef89ab);
  };

  it('reports its identity: DBG_IDCODE, flash size, the option bytes as shipped', async () => {
    const probe = create();
    const cortex = await session(probe);
    expect((await cortex.readMem32(0x40015800)) & 0xfff).toBe(0x460);
    expect((await cortex.readMem32(0x1fff75e0)) & 0xffff).toBe(128);
    expect(await cortex.readMem32(0x1fff7800)).toBe(0xdfffe1aa);
    expect(await cortex.readMem32(0x1fff7804)).toBe(~0xdfffe1aa >>> 0);
    expect((await cortex.readMem32(CR)) >>> 30).toBe(3); // LOCK, OPTLOCK
  });

  it('programs a double word with the second store; BSY1 for tprog; CFGBSY between the stores', async () => {
    const probe = create();
    const cortex = await session(probe);
    await unlock(cortex);
    await cortex.writeMem32(CR, 1); // PG
    await cortex.writeMem32(0x08000100, 0x11223344);
    expect((await cortex.readMem32(SR)) & (1 << 18)).not.toBe(0); // CFGBSY
    expect(await cortex.readMem32(0x08000100)).toBe(0xffffffff); // nothing programmed yet
    await cortex.writeMem32(0x08000104, 0x55667788);
    const ms = await pollUntil(probe, cortex, SR, BSY1, 0);
    expect(ms).toBeLessThan(STM32G071_TIMINGS.typical.doubleWordUs / 1000 + 5);
    expect(await cortex.readMem32(0x08000100)).toBe(0x11223344);
    expect(await cortex.readMem32(0x08000104)).toBe(0x55667788);
    expect((await cortex.readMem32(SR)) & 0x3fa).toBe(0);
  });

  it('sets SIZERR, PGAERR, PROGERR and PGSERR and programs nothing', async () => {
    const probe = create('zero');
    const cortex = await session(probe);
    await unlock(cortex);
    await cortex.writeMem32(CR, 1);
    await cortex.writeMem16(0x08000200, 0x1234).catch(() => undefined);
    expect((await cortex.readMem32(SR)) & (1 << 6)).not.toBe(0); // SIZERR
    await cortex.writeMem32(SR, 0xffff);
    await cortex.writeMem32(0x08000204, 1); // first word not double-word aligned
    expect((await cortex.readMem32(SR)) & (1 << 5)).not.toBe(0); // PGAERR
    await cortex.writeMem32(SR, 0xffff);
    await cortex.writeMem32(0x08000200, 0x0f0f0f0f);
    await cortex.writeMem32(0x08000204, 0x0f0f0f0f);
    await cortex.writeMem32(0x08000200, 0x0e0e0e0e);
    await cortex.writeMem32(0x08000204, 0x0e0e0e0e);
    expect((await cortex.readMem32(SR)) & (1 << 3)).not.toBe(0); // PROGERR: not erased
    expect(await cortex.readMem32(0x08000200)).toBe(0x0f0f0f0f);
    // With an error flag still set the next program is a sequence error.
    await cortex.writeMem32(0x08000300, 0);
    expect((await cortex.readMem32(SR)) & (1 << 7)).not.toBe(0); // PGSERR
    await cortex.writeMem32(SR, 0xffff);
    await cortex.writeMem32(CR, 0); // PG off
    await cortex.writeMem32(0x08000300, 0);
    expect((await cortex.readMem32(SR)) & (1 << 7)).not.toBe(0);
    expect(await cortex.readMem32(0x08000300)).toBe(0xffffffff);
    expect(probe.target.ignoredFlashWrites).toBe(5);
  });

  it('erases a 2 KiB page in tERASE (typical and worst case) and keeps its neighbours', async () => {
    for (const [latency, us] of [
      ['daplink', STM32G071_TIMINGS.typical.pageEraseUs],
      ['daplink-worst', STM32G071_TIMINGS.worst.pageEraseUs],
    ] as const) {
      const probe = createSimulatedStm32g071Probe({
        latency: latency === 'daplink' ? DAPLINK_LATENCY : DAPLINK_WORST_CASE,
        flash: [{ address: 0x08000000, data: new Uint8Array(3 * 2048).fill(0x00) }],
      });
      const cortex = await session(probe);
      await unlock(cortex);
      await cortex.writeMem32(CR, 2 | (1 << 3)); // PER, page 1
      await cortex.writeMem32(CR, 2 | (1 << 3) | (1 << 16));
      const ms = await pollUntil(probe, cortex, SR, BSY1, 0);
      expect(ms).toBeGreaterThanOrEqual(us / 1000 - 2);
      expect(ms).toBeLessThan(us / 1000 + 10);
      expect(probe.target.readMemory(0x08000800, 2048).every((b) => b === 0xff)).toBe(true);
      expect(probe.target.readMemory(0x08000000, 2048).every((b) => b === 0)).toBe(true);
      expect(probe.target.readMemory(0x08001000, 2048).every((b) => b === 0)).toBe(true);
    }
  });

  it('a wrong key locks CR until reset with a bus error', async () => {
    const probe = create('zero');
    const cortex = await session(probe);
    await expect(cortex.writeMem32(KEYR, 0x12345678)).rejects.toBeDefined();
    await unlock(cortex).catch(() => undefined);
    expect((await cortex.readMem32(CR)) >>> 31).toBe(1);
  });

  it('a wrong option key locks the option registers (not CR) until reset with a bus error', async () => {
    const probe = create('zero');
    const cortex = await session(probe);
    await unlock(cortex);
    await expect(cortex.writeMem32(OPTKEYR, 0x12345678)).rejects.toBeDefined();
    await cortex.writeMem32(OPTKEYR, 0x08192a3b).catch(() => undefined);
    await cortex.writeMem32(OPTKEYR, 0x4c5d6e7f).catch(() => undefined);
    expect((await cortex.readMem32(CR)) >>> 30).toBe(1); // OPTLOCK still set, LOCK clear
    // The main array can still be programmed.
    await cortex.writeMem32(CR, 1);
    await cortex.writeMem32(0x08000400, 0x01020304);
    await cortex.writeMem32(0x08000404, 0x05060708);
    await pollUntil(probe, cortex, SR, BSY1, 0);
    expect(await cortex.readMem32(0x08000400)).toBe(0x01020304);
  });

  it('setting LOCK sets OPTLOCK too', async () => {
    const probe = create('zero');
    const cortex = await session(probe);
    await unlock(cortex);
    await cortex.writeMem32(OPTKEYR, 0x08192a3b);
    await cortex.writeMem32(OPTKEYR, 0x4c5d6e7f);
    expect((await cortex.readMem32(CR)) >>> 30).toBe(0);
    await cortex.writeMem32(CR, 1 << 31);
    expect((await cortex.readMem32(CR)) >>> 30).toBe(3);
  });

  it('RDP level 1 keeps the debugger out of the flash; back to level 0 mass-erases it', async () => {
    const probe = create('zero', true);
    const cortex = await session(probe);
    expect(probe.target.locked).toBe(true);
    await expect(cortex.readMem32(0x08000000)).rejects.toBeDefined();
    expect((await cortex.readMem32(0x40015800)) & 0xfff).toBe(0x460); // peripherals still answer
    await unlock(cortex);
    await cortex.writeMem32(OPTKEYR, 0x08192a3b);
    await cortex.writeMem32(OPTKEYR, 0x4c5d6e7f);
    expect((await cortex.readMem32(CR)) >>> 30).toBe(0);
    await cortex.writeMem32(OPTR, ((await cortex.readMem32(OPTR)) & ~0xff) | 0xaa);
    await cortex.writeMem32(CR, 1 << 17); // OPTSTRT
    await pollUntil(probe, cortex, SR, BSY1, 0);
    expect(probe.target.locked).toBe(false);
    expect(await cortex.readMem32(0x08000000)).toBe(0xffffffff);
  });
});

describe('SAM D21 NVMCTRL and DSU (DS40001882)', () => {
  const NVM = 0x41004000;
  const CTRLA = NVM;
  const CTRLB = NVM + 0x04;
  const PARAM = NVM + 0x08;
  const INTFLAG = NVM + 0x14;
  const STATUS = NVM + 0x18;
  const ADDR = NVM + 0x1c;
  const cmd = (cortex: CortexM, command: number, key = 0xa5) =>
    cortex.writeMem16(CTRLA, (key << 8) | command);

  it('reports PARAM (4096 pages of 64 bytes), the DSU DID and its ROM table', async () => {
    const probe = createSimulatedArduinoZeroProbe({ latency: 'zero' });
    const cortex = await session(probe);
    expect(await cortex.readMem32(PARAM)).toBe(0x00031000);
    expect(await cortex.readMem32(0x41002018)).toBe(0x10010305);
    expect(await cortex.readMem32(0x41002118)).toBe(0x10010305);
    expect((await cortex.readMem32(0x41003fe0)) & 0xff).toBe(0xd0);
    expect((await cortex.readMem32(0x41003fe4)) & 0xff).toBe(0xfc);
    expect(await cortex.readMem32(0x41003000)).toBe(0x9f0fc003); // → 0xE00FF000
  });

  it('loads the page buffer (no byte stores), writes it with WP in tFPP, erases a row with ER in tFRE', async () => {
    const probe = createSimulatedArduinoZeroProbe({ latency: 'daplink' });
    const cortex = await session(probe);
    await cortex.writeMem32(CTRLB, 0x80); // MANW
    expect(() => probe.target.chip.bus.write8(0x4000, 0x12, CPU)).toThrow(); // a bus error
    await cortex.writeMem32(0x4000, 0xa1b2c3d4);
    expect((await cortex.readMem32(STATUS)) & 2).toBe(2); // LOAD
    expect(await cortex.readMem32(0x4000)).toBe(0xffffffff);
    await cortex.writeMem32(ADDR, 0x4000 >>> 1);
    await cmd(cortex, 0x04); // WP
    let ms = await pollUntil(probe, cortex, INTFLAG, 1, 1);
    expect(ms).toBeLessThan(SAMD21_TIMINGS.typical.pageWriteUs / 1000 + 5);
    expect(await cortex.readMem32(0x4000)).toBe(0xa1b2c3d4);
    await cmd(cortex, 0x02); // ER of the row at ADDR
    ms = await pollUntil(probe, cortex, INTFLAG, 1, 1);
    expect(ms).toBeGreaterThanOrEqual(SAMD21_TIMINGS.typical.rowEraseUs / 1000 - 2);
    expect(await cortex.readMem32(0x4000)).toBe(0xffffffff);
  });

  it('CTRLB keeps only RWS, MANW, SLEEPPRM, READMODE and CACHEDIS', async () => {
    const probe = createSimulatedArduinoZeroProbe({ latency: 'zero' });
    const cortex = await session(probe);
    expect(await cortex.readMem32(CTRLB)).toBe(0);
    await cortex.writeMem32(CTRLB, 0xffffffff);
    expect(await cortex.readMem32(CTRLB)).toBe(0x0007039e); // bits 18:16, 9:7, 4:1
    await cortex.writeMem16(CTRLB + 2, 0); // READMODE, CACHEDIS only
    expect(await cortex.readMem32(CTRLB)).toBe(0x0000039e);
  });

  it('writes the page when its last word is loaded with MANW = 0', async () => {
    const probe = createSimulatedArduinoZeroProbe({ latency: 'zero' });
    const cortex = await session(probe);
    await cortex.writeMem32(CTRLB, 0);
    for (let i = 0; i < 16; i++) await cortex.writeMem32(0x4040 + 4 * i, i);
    expect(await cortex.readMem32(0x4040 + 60)).toBe(15);
  });

  it('refuses a wrong CMDEX key (PROGE), the boot section and locked regions (LOCKE)', async () => {
    const probe = createSimulatedArduinoZeroProbe({ latency: 'zero' });
    const cortex = await session(probe);
    await cortex.writeMem32(ADDR, 0x4000 >>> 1);
    await cmd(cortex, 0x02, 0x5a);
    expect((await cortex.readMem32(STATUS)) & 0x1c).toBe(0x04);
    expect((await cortex.readMem32(INTFLAG)) & 2).toBe(2); // ERROR
    await cortex.writeMem16(STATUS, 0x1c);
    await cortex.writeMem32(ADDR, 0x1000 >>> 1); // in the 8 KiB boot section (BOOTPROT = 2)
    await cmd(cortex, 0x02);
    expect((await cortex.readMem32(STATUS)) & 0x1c).toBe(0x08);
    expect(probe.target.readMemory(0x1000, 4)).not.toEqual(new Uint8Array(4).fill(0xff));
    await cortex.writeMem16(STATUS, 0x1c);
    await cortex.writeMem32(ADDR, 0x20000 >>> 1);
    await cmd(cortex, 0x40); // LR: lock the region
    await cmd(cortex, 0x02);
    expect((await cortex.readMem32(STATUS)) & 0x1c).toBe(0x08);
    expect(probe.target.ignoredFlashErases).toBe(2);
  });

  it('the security bit shuts the debugger out but for the DSU; chip erase clears it and the flash', async () => {
    const probe = createSimulatedArduinoZeroProbe({ latency: 'zero', locked: true });
    const { cortex } = await connectDapjs(probe.usbDevice); // no halt: the core's registers are shut too
    expect(probe.target.locked).toBe(true);
    await expect(cortex.readMem32(0x20000000)).rejects.toBeDefined();
    expect((await cortex.readMem32(0x41002100)) & (1 << 16)).not.toBe(0); // STATUSB.PROT
    await cortex.writeMem32(0x41002100, 0x10); // CTRL.CE
    await pollUntil(probe, cortex, 0x41002100, 1 << 8, 1 << 8); // STATUSA.DONE
    expect(probe.target.locked).toBe(false);
    expect(probe.target.flash.every((b) => b === 0xff)).toBe(true);
  });
});
