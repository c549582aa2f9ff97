/**
 * Unlocking read-protected chips by mass erase, the only way their vendors allow: the Nordic
 * nRF52 CTRL-AP (ERASEALL, poll ERASEALLSTATUS, pulse RESET), the nRF51 NVMC ERASEALL through
 * the MEM-AP (its peripherals stay reachable when code memory is protected), the STM32F1
 * option bytes (erase them, program RDP = 0xA5, which mass-erases the flash first, then a
 * system reset reloads them; ST PM0075 §2.4.1), the STM32G0's RDP regression to level 0
 * through its option bytes, and the SAM D DSU chip erase.
 */
import { WebProgError } from '../../../src/core/errors';
import type { MemAp } from './mem-ap';

/** IDR of Nordic's CTRL-AP (nRF52 family). */
export const NORDIC_CTRL_AP_IDR = 0x02880000;

const CTRL_AP = { RESET: 0x00, ERASEALL: 0x04, ERASEALLSTATUS: 0x08, APPROTECTSTATUS: 0x0c } as const;
const NVMC = { READY: 0x4001e400, CONFIG: 0x4001e504, ERASEALL: 0x4001e50c } as const;
/** STM32F1 FPEC registers, option bytes and the DBGMCU id. */
const F1 = {
  KEYR: 0x40022004,
  OPTKEYR: 0x40022008,
  SR: 0x4002200c,
  CR: 0x40022010,
  OPTION_BYTES: 0x1ffff800,
  IDCODE: 0xe0042000,
  /** CR bits: OPTPG 4, OPTER 5, STRT 6, LOCK 7, OPTWRE 9. */
  OPTPG: 0x10,
  OPTER: 0x20,
  STRT: 0x40,
  LOCK: 0x80,
  OPTWRE: 0x200,
  KEYS: [0x45670123, 0xcdef89ab],
  /** DEV_IDs of the single-bank F1 parts (the STM32F1 device script's list). */
  DEV_IDS: [0x412, 0x410, 0x414, 0x418, 0x420, 0x428],
} as const;
const AIRCR = 0xe000ed0c;
const AIRCR_SYSRESETREQ = 0x05fa0004;

/** Finds the access port whose IDR is `idr` among the first `count` APs. */
export async function findAp(ap: MemAp, idr: number, count = 4): Promise<number | undefined> {
  for (let apsel = 0; apsel < count; apsel++) {
    const value = await ap.readApAt(apsel, 0xfc).catch(() => 0);
    if (value >>> 0 === idr >>> 0) return apsel;
  }
  return undefined;
}

/**
 * Mass-erases and unlocks the chip behind `ap`. Returns how it was done. Throws NOT_SUPPORTED
 * ("Not Supported: …") when no unlock sequence is known for the chip.
 */
export async function unlockChip(
  ap: MemAp,
  dpidr: number,
  now: () => number = Date.now,
): Promise<'nrf52-ctrl-ap' | 'nrf51-nvmc' | 'stm32f1-rdp' | 'stm32g0-rdp' | 'samd-dsu'> {
  const ctrlAp = await findAp(ap, NORDIC_CTRL_AP_IDR);
  if (ctrlAp !== undefined) {
    await ap.writeApAt(ctrlAp, CTRL_AP.ERASEALL, 1);
    const deadline = now() + 15_000;
    while ((await ap.readApAt(ctrlAp, CTRL_AP.ERASEALLSTATUS)) !== 0) {
      if (now() > deadline)
        throw new WebProgError('TIMEOUT', 'The chip did not finish its mass erase within 15 s.');
    }
    await ap.writeApAt(ctrlAp, CTRL_AP.RESET, 1);
    await ap.writeApAt(ctrlAp, CTRL_AP.RESET, 0);
    await ap.writeApAt(ctrlAp, CTRL_AP.ERASEALL, 0);
    return 'nrf52-ctrl-ap';
  }
  // nRF51 (Cortex-M0 SW-DP): NVMC ERASEALL through memory writes.
  if (dpidr >>> 0 === 0x0bb11477) {
    await ap.write32(NVMC.CONFIG, 2);
    await ap.write32(NVMC.ERASEALL, 1);
    const deadline = now() + 15_000;
    while ((await ap.read32(NVMC.READY)) === 0) {
      if (now() > deadline)
        throw new WebProgError('TIMEOUT', 'The chip did not finish its mass erase within 15 s.');
    }
    await ap.write32(NVMC.CONFIG, 0);
    return 'nrf51-nvmc';
  }
  const idcode = await ap.read32(F1.IDCODE).catch(() => undefined);
  if (idcode !== undefined && (F1.DEV_IDS as readonly number[]).includes(idcode & 0xfff)) {
    await unlockStm32f1(ap, now);
    return 'stm32f1-rdp';
  }
  if (STM32G0_DEV_IDS.includes(((await ap.read32(G0.IDCODE).catch(() => 0)) & 0xfff) >>> 0)) {
    await unlockStm32g0(ap, now);
    return 'stm32g0-rdp';
  }
  const did = await ap.read32(DSU.DID).catch(() => 0);
  if (did >>> 28 === 1 && ((did >>> 23) & 0x1f) === 0) {
    await unlockSamd(ap, now);
    return 'samd-dsu';
  }
  throw new WebProgError('NOT_SUPPORTED', 'Not Supported: WebProg knows no unlock sequence for this chip.');
}

/** STM32F1: option bytes erased, RDP = 0xA5 programmed (mass erase first), system reset. */
async function unlockStm32f1(ap: MemAp, now: () => number): Promise<void> {
  const waitIdle = async (): Promise<void> => {
    const deadline = now() + 15_000;
    while ((await ap.read32(F1.SR)) & 1) {
      if (now() > deadline)
        throw new WebProgError('TIMEOUT', 'The chip did not finish erasing its option bytes within 15 s.');
    }
  };
  for (const key of F1.KEYS) await ap.write32(F1.KEYR, key);
  for (const key of F1.KEYS) await ap.write32(F1.OPTKEYR, key);
  if (((await ap.read32(F1.CR)) & (F1.LOCK | F1.OPTWRE)) !== F1.OPTWRE)
    throw new WebProgError('DEVICE_LOCKED', 'The STM32F1 flash controller refused its unlock keys.');
  await ap.write32(F1.CR, F1.OPTWRE | F1.OPTER);
  await ap.write32(F1.CR, F1.OPTWRE | F1.OPTER | F1.STRT);
  await waitIdle();
  await ap.write32(F1.CR, F1.OPTWRE | F1.OPTPG);
  await ap.write16(F1.OPTION_BYTES, 0x00a5); // the FPEC writes the complement
  await waitIdle();
  await ap.write32(F1.CR, F1.LOCK);
  await ap.write32(AIRCR, AIRCR_SYSRESETREQ).catch(() => undefined); // reloads the option bytes
}

/** The SAM D DSU's registers as the debugger reaches them (the external mirror at +0x100). */
const DSU = { CTRLSTAT: 0x41002100, DID: 0x41002118 } as const;

/**
 * SAM D chip erase through the DSU (SAM D21 datasheet, DSU "Chip Erase"): CTRL.CE, then
 * STATUSA.DONE; it erases the flash and the RAM and clears the security bit. The user row
 * (BOOTPROT) stays.
 */
async function unlockSamd(ap: MemAp, now: () => number): Promise<void> {
  await ap.write32(DSU.CTRLSTAT, 0x0000_1f10); // STATUSA flags cleared, CTRL.CE
  const deadline = now() + 15_000;
  while (((await ap.read32(DSU.CTRLSTAT)) & 0x100) === 0) {
    if (now() > deadline)
      throw new WebProgError('TIMEOUT', 'The chip did not finish its chip erase within 15 s.');
  }
}

/** DBG_IDCODE DEV_IDs of the single-bank STM32G0 parts (G07x/G08x, G03x/G04x, G05x/G06x). */
const STM32G0_DEV_IDS = [0x460, 0x466, 0x456];
/** STM32G0 DBG_IDCODE and FLASH registers (RM0444). */
const G0 = {
  IDCODE: 0x40015800,
  KEYR: 0x40022008,
  OPTKEYR: 0x4002200c,
  SR: 0x40022010,
  CR: 0x40022014,
  OPTR: 0x40022020,
} as const;

/**
 * STM32G0 read-out protection level 1 → 0 (RM0444, "Read protection"): unlock CR and the
 * options, RDP = 0xAA in OPTR, OPTSTRT (the regression mass-erases the main flash), wait for
 * BSY1, then OBL_LAUNCH reloads the option bytes with a system reset.
 */
async function unlockStm32g0(ap: MemAp, now: () => number): Promise<void> {
  await ap.write32(G0.KEYR, 0x45670123);
  await ap.write32(G0.KEYR, 0xcdef89ab);
  await ap.write32(G0.OPTKEYR, 0x08192a3b);
  await ap.write32(G0.OPTKEYR, 0x4c5d6e7f);
  const optr = await ap.read32(G0.OPTR);
  await ap.write32(G0.OPTR, ((optr & ~0xff) | 0xaa) >>> 0);
  await ap.write32(G0.CR, 1 << 17); // OPTSTRT
  const deadline = now() + 15_000;
  while ((await ap.read32(G0.SR)) & (1 << 16)) {
    if (now() > deadline)
      throw new WebProgError('TIMEOUT', 'The chip did not finish its mass erase within 15 s.');
  }
  // OBL_LAUNCH resets the chip: the write may not be acknowledged.
  await ap.write32(G0.CR, 1 << 27).catch(() => undefined);
}
