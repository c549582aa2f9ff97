/**
 * STM32F103 (RM0008, PM0075, datasheets DS5319 / DS5792) as data plus its bus: Cortex-M3 r1p1
 * (8 MHz HSI after reset; the RCC's PLL can raise it, `stm32f1-rcc.ts`), main flash at 0x08000000 (aliased at 0 when booting from flash) in
 * 1 KiB pages (low and medium density) or 2 KiB pages (high density), SRAM, the FPEC
 * (`stm32f1-flash.ts`), option bytes at 0x1FFFF800, system memory (bootloader ROM) from
 * 0x1FFFF000 with the flash size in KiB (u16) at 0x1FFFF7E0 and the 96-bit unique id at
 * 0x1FFFF7E8, DBGMCU_IDCODE at 0xE0042000 (DEV_ID 0x410 medium, 0x414 high density; readable
 * only in debug mode: the CPU reads 0 without a debugger, errata ES096 §2.3), SWJ-DP 0x1BA01477
 * (starts in JTAG mode), AHB-AP 0x14770011, ROM table PID with ST's JEP106 (0x20) and the
 * DEV_ID as part number (pyOCD: "designer=020 part=410"). Flash timings: `timing-profiles.ts`.
 */
import { MemAp } from '../adi/mem-ap';
import { SwDp } from '../adi/sw-dp';
import { SystemBus, type BusDevice } from '../cortex-m/bus';
import { CORTEX_M3, CortexMSystem } from '../cortex-m/cortex-m-system';
import { NorFlash } from './nor-flash';
import { readOnlyWords, RegisterFile } from './register-file';
import { loadFlash, type ChipOptions, type SimulatedChip } from './simulated-chip';
import { defaultOptionBytes, Stm32f1Flash, type Stm32f1FlashError } from './stm32f1-flash';
import { Stm32f1Rcc } from './stm32f1-rcc';
import { pickTiming, STM32F103_TIMINGS } from './timing-profiles';

const FLASH_BASE = 0x08000000;
const RAM_BASE = 0x20000000;
const OPTION_BYTES = 0x1ffff800;
const KiB = 1024;

/** An STM32F103 part as data. */
export interface Stm32f103Description {
  name: string;
  flashSize: number;
  pageSize: number;
  ramSize: number;
  /** DBGMCU_IDCODE (REV_ID << 16 | DEV_ID). */
  idcode: number;
}

/** STM32F103C8 (Blue Pill): medium density, 64 KiB in 1 KiB pages, 20 KiB SRAM, revision X. */
export const STM32F103C8: Stm32f103Description = {
  name: 'STM32F103C8',
  flashSize: 64 * KiB,
  pageSize: KiB,
  ramSize: 20 * KiB,
  idcode: 0x20036410,
};

/** STM32F103RE: high density, 512 KiB in 2 KiB pages, 64 KiB SRAM, revision Y. */
export const STM32F103RE: Stm32f103Description = {
  name: 'STM32F103RE',
  flashSize: 512 * KiB,
  pageSize: 2 * KiB,
  ramSize: 64 * KiB,
  idcode: 0x10036414,
};

/** Debug-port identification of every STM32F103. */
export const STM32F103_DEBUG = {
  dpidr: 0x1ba01477,
  ahbApIdr: 0x14770011,
  apBase: 0xe00ff003,
  cswReset: 0x23000040,
  cpuHz: 8_000_000,
} as const;

/** The ROM table PID of a part: ST's JEP106 identity (0x20) with the DEV_ID as part number. */
export function stm32f103RomTablePid(d: Stm32f103Description): number {
  return 0x00000a0000 | (d.idcode & 0xfff);
}

/** A simulated STM32F103 (the C8 of a Blue Pill unless `description` says otherwise). */
export function createStm32f103(options: ChipOptions, description = STM32F103C8): SimulatedChip {
  const d = description;
  const { clock, latency } = options;
  const ram = new Uint8Array(d.ramSize);
  const bus = new SystemBus(RAM_BASE, ram);
  const flash = new NorFlash(d.flashSize);
  const optionBytes = new NorFlash(16);
  optionBytes.load(0, defaultOptionBytes(options.locked === true));
  loadFlash(
    flash,
    FLASH_BASE,
    options.flash?.filter((b) => b.address < OPTION_BYTES),
  );
  loadFlash(
    optionBytes,
    OPTION_BYTES,
    options.flash?.filter((b) => b.address >= OPTION_BYTES),
  );
  const controller = new Stm32f1Flash({
    clock,
    flash,
    optionBytes,
    pageSize: d.pageSize,
    timings: pickTiming(STM32F103_TIMINGS, latency),
    timeScale: latency.flashTimeScale,
    debuggerConnected: () => dp.debugPowerRequested, // only called after construction
  });
  const [uid0, uid1] = options.deviceId ?? [0x066dff48, 0x51775614];
  const peripherals = new RegisterFile();
  const debugMode = () => dp.debugPowerRequested;
  const dbgmcu: BusDevice = {
    // DBGMCU_IDCODE and DBGMCU_CR read 0 from software unless a debugger is connected.
    read: (offset, size) => (debugMode() ? dbgmcuRegs.read(offset, size) : 0),
    write: (offset, value, size) => dbgmcuRegs.write(offset, value, size),
    nextChangeUs: () => Infinity,
  };
  const dbgmcuRegs = new RegisterFile(new Map([[0x0, d.idcode]]));

  bus.map(FLASH_BASE, d.flashSize, controller.arrayPort);
  bus.map(0x00000000, d.flashSize, controller.arrayPort); // boot alias (BOOT0 = 0)
  bus.map(
    0x1ffff000,
    0x800,
    readOnlyWords(
      new Map([
        [0x7e0, 0xffff0000 | (d.flashSize / KiB)],
        [0x7e8, uid0 >>> 0],
        [0x7ec, uid1 >>> 0],
        [0x7f0, 0x43172433],
      ]),
      0,
    ),
  );
  bus.map(OPTION_BYTES, 0x10, controller.optionPort);
  bus.map(0x40022000, 0x400, controller.registers);
  const rcc = new Stm32f1Rcc({
    clock,
    hseHz: 8_000_000, // the Blue Pill's crystal
    setCoreHz: (hz) => system.runner.setCpuHz(hz), // only called after construction
  });
  bus.map(0x40021000, 0x400, rcc);
  bus.map(0x40000000, 0x20000000, peripherals);
  bus.map(0xe0042000, 0x1000, dbgmcu);

  const system = new CortexMSystem({
    clock,
    bus,
    core: CORTEX_M3,
    cpuHz: STM32F103_DEBUG.cpuHz,
    romTablePid: stm32f103RomTablePid(d),
    resetPeripherals: () => {
      controller.reset();
      rcc.reset();
      peripherals.reset();
    },
  });
  const runner = system.runner;
  const ahbAp = new MemAp({
    idr: STM32F103_DEBUG.ahbApIdr,
    base: STM32F103_DEBUG.apBase,
    cswReset: STM32F103_DEBUG.cswReset,
    bus,
    allowed: (address) => !(runner.heldInReset && address < 0xe0000000),
  });
  const dp = new SwDp({
    dpidr: STM32F103_DEBUG.dpidr,
    swj: true,
    aps: [ahbAp],
    clock,
    elapse: (us) => system.elapse(us),
    setResetHeld: (held) => runner.setResetHeld(held),
  });
  runner.systemReset(); // power-on

  return {
    name: d.name,
    clock,
    bus,
    system,
    dp,
    flash,
    flashBase: FLASH_BASE,
    eraseBlocks: Array.from({ length: d.flashSize / d.pageSize }, () => d.pageSize),
    ram,
    ramBase: RAM_BASE,
    counters: controller,
    get locked() {
      return controller.readProtected;
    },
    failNextFlashOperation: (kind) => {
      controller.failNext = (kind as Stm32f1FlashError | undefined) ?? 'WRPRTERR';
    },
  };
}
