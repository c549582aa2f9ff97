/**
 * STM32G071RB (NUCLEO-G071RB) as data plus its bus, after ST RM0444 and the STM32G071xx
 * datasheet: Cortex-M0+ (16 MHz HSI16 after reset), 128 KiB flash at 0x08000000 in 64 pages
 * of 2 KiB (aliased at 0 when booting from flash), 36 KiB SRAM at 0x20000000, the FLASH
 * interface at 0x40022000 (`stm32g0-flash.ts`), DBG_IDCODE at 0x40015800 (DEV_ID 0x460,
 * REV_ID 0x2000), flash size (KiB, u16) at 0x1FFF75E0, the 96-bit unique id at 0x1FFF7590,
 * package at 0x1FFF7500, the option area at 0x1FFF7800. SW-DP 0x0BC11477 (Cortex-M0+,
 * SWD only), AHB-AP 0x04770031 whose BASE (0xF0000003) points at ST's MCU ROM table
 * (JEP106 0x20, part 0x460) that lists the Cortex-M0+ ROM table at 0xE00FF000.
 * Flash timings (typical and worst): `timing-profiles.ts`.
 */
import { MemAp } from '../adi/mem-ap';
import { SwDp } from '../adi/sw-dp';
import { SystemBus } from '../cortex-m/bus';
import { CortexMSystem } from '../cortex-m/cortex-m-system';
import { CORTEX_M0PLUS } from '../cortex-m/cortex-m0plus';
import { CID_ROM_TABLE, romEntry, romTable } from '../cortex-m/coresight-ids';
import { NorFlash } from './nor-flash';
import { readOnlyWords, RegisterFile } from './register-file';
import { loadFlash, type ChipOptions, type SimulatedChip } from './simulated-chip';
import { G0_OPTION_DEFAULTS, G0_PAGE_SIZE, Stm32g0Flash, type Stm32g0FlashError } from './stm32g0-flash';
import { pickTiming, STM32G071_TIMINGS } from './timing-profiles';

const FLASH_BASE = 0x08000000;
const RAM_BASE = 0x20000000;
const MCU_ROM_TABLE = 0xf0000000;
const KiB = 1024;

/** Identification values. */
export const STM32G071 = {
  name: 'STM32G071',
  dpidr: 0x0bc11477,
  ahbApIdr: 0x04770031,
  apBase: 0xf0000003,
  cswReset: 0x23000040,
  /** ST's MCU ROM table: PID4 0x00, PID0..PID3 0x60 0x04 0x0A 0x00 (JEP106 0x20, part 0x460). */
  mcuRomTablePid: 0x00000a0460,
  dbgIdcode: 0x20006460,
  flashSizeKiB: 128,
  ramKiB: 36,
  cpuHz: 16_000_000,
} as const;

/** Extra options of the STM32G0 factory. */
export interface Stm32g071Options extends ChipOptions {
  /** Flash size in KiB the flash-size register reports (a size variant: 16, 32, 64 or 128). */
  flashSizeKiB?: number;
}

/** A simulated STM32G071 (or a smaller-flash variant of it). */
export function createStm32g071(options: Stm32g071Options): SimulatedChip {
  const { clock, latency } = options;
  const flashKiB = options.flashSizeKiB ?? STM32G071.flashSizeKiB;
  const ram = new Uint8Array(STM32G071.ramKiB * KiB);
  const bus = new SystemBus(RAM_BASE, ram);
  const flash = new NorFlash(flashKiB * KiB);
  loadFlash(flash, FLASH_BASE, options.flash);
  const optionBytes = new Map(G0_OPTION_DEFAULTS);
  if (options.locked) optionBytes.set(0x20, ((G0_OPTION_DEFAULTS.get(0x20) ?? 0) & ~0xff) | 0xbb);
  const controller = new Stm32g0Flash({
    clock,
    flash,
    timings: pickTiming(STM32G071_TIMINGS, latency),
    timeScale: latency.flashTimeScale,
    debuggerConnected: () => dp.debugPowerRequested, // only called after construction
    options: optionBytes,
    systemReset: () => system.runner.systemReset(),
  });
  const [uid0, uid1] = options.deviceId ?? [0x00410032, 0x4e385012];
  const peripherals = new RegisterFile();
  const dbg = new RegisterFile(new Map([[0x0, STM32G071.dbgIdcode]]));

  bus.map(FLASH_BASE, flash.size, controller.arrayPort);
  bus.map(0x00000000, flash.size, controller.arrayPort); // boot alias (main flash boot)
  bus.map(0x1fff0000, 0x7000, readOnlyWords(new Map(), 0)); // system memory (bootloader ROM)
  bus.map(0x1fff7000, 0x400, readOnlyWords(new Map())); // OTP, blank
  bus.map(
    0x1fff7500,
    0x300,
    readOnlyWords(
      new Map([
        [0x00, 0xfffffffc], // PKG: LQFP64
        [0x90, uid0 >>> 0],
        [0x94, uid1 >>> 0],
        [0x98, 0x20363730],
        [0xe0, 0xffff0000 | flashKiB],
      ]),
    ),
  );
  bus.map(0x1fff7800, 0x80, controller.optionArea);
  bus.map(0x40015800, 0x400, dbg);
  bus.map(0x40022000, 0x400, controller.registers);
  bus.map(0x40000000, 0x20000000, peripherals);

  const system = new CortexMSystem({
    clock,
    bus,
    core: CORTEX_M0PLUS,
    cpuHz: STM32G071.cpuHz,
    resetPeripherals: () => {
      controller.reset();
      peripherals.reset();
    },
  });
  bus.map(
    MCU_ROM_TABLE,
    0x1000,
    romTable({ pid: STM32G071.mcuRomTablePid, cid: CID_ROM_TABLE }, [romEntry(MCU_ROM_TABLE, 0xe00ff000), 0]),
  );
  const runner = system.runner;
  const ahbAp = new MemAp({
    idr: STM32G071.ahbApIdr,
    base: STM32G071.apBase,
    cswReset: STM32G071.cswReset,
    bus,
    allowed: (address) => !(runner.heldInReset && address < 0xe0000000),
  });
  const dp = new SwDp({
    dpidr: STM32G071.dpidr,
    swj: false,
    aps: [ahbAp],
    clock,
    elapse: (us) => system.elapse(us),
    setResetHeld: (held) => runner.setResetHeld(held),
  });
  runner.systemReset(); // power-on

  return {
    name: STM32G071.name,
    clock,
    bus,
    system,
    dp,
    flash,
    flashBase: FLASH_BASE,
    eraseBlocks: Array.from({ length: flash.size / G0_PAGE_SIZE }, () => G0_PAGE_SIZE),
    ram,
    ramBase: RAM_BASE,
    counters: controller,
    get locked() {
      return controller.readProtected;
    },
    failNextFlashOperation: (kind) => {
      controller.failNext = (kind as Stm32g0FlashError | undefined) ?? 'WRPERR';
    },
  };
}
