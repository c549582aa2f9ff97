/**
 * STM32F411xE as data plus its bus: Cortex-M4F (16 MHz HSI after reset), 512 KiB flash at
 * 0x08000000 (aliased at 0 when booting from flash) in 16/16/16/16/64/128/128/128 KiB sectors,
 * 128 KiB SRAM, the FLASH interface, DBGMCU_IDCODE 0x10006431 at 0xE0042000, flash size
 * (KiB) at 0x1FFF7A22, unique id at 0x1FFF7A10, option bytes at 0x1FFFC000. SWJ-DP 0x2BA01477
 * (starts in JTAG mode), AHB-AP 0x24770011, ROM table PID with ST's JEP106 (0x20) and part
 * 0x431. Flash timings (typical and worst, by PSIZE): `timing-profiles.ts`.
 */
import { MemAp } from '../adi/mem-ap';
import { SwDp } from '../adi/sw-dp';
import { SystemBus } from '../cortex-m/bus';
import { CORTEX_M4F, CortexMSystem } from '../cortex-m/cortex-m-system';
import { NorFlash } from './nor-flash';
import { readOnlyWords, RegisterFile } from './register-file';
import { loadFlash, type ChipOptions, type SimulatedChip } from './simulated-chip';
import { OPTCR_DEFAULT, Stm32f4Flash, type Stm32FlashError } from './stm32f4-flash';
import { pickTiming, STM32F411_TIMINGS } from './timing-profiles';

const FLASH_BASE = 0x08000000;
const RAM_BASE = 0x20000000;
const KiB = 1024;

/** Sector sizes of the 512 KiB part. */
export const STM32F411_SECTORS: readonly number[] = [16, 16, 16, 16, 64, 128, 128, 128].map((k) => k * KiB);

/** Identification values. */
export const STM32F411 = {
  name: 'STM32F411',
  dpidr: 0x2ba01477,
  ahbApIdr: 0x24770011,
  apBase: 0xe00ff003,
  cswReset: 0x23000040,
  romTablePid: 0x00000a0431,
  dbgmcuIdcode: 0x10006431,
  flashSizeKiB: 512,
  cpuHz: 16_000_000,
} as const;

/** A simulated STM32F411. */
export function createStm32f411(options: ChipOptions): SimulatedChip {
  const { clock, latency } = options;
  const ram = new Uint8Array(128 * KiB);
  const bus = new SystemBus(RAM_BASE, ram);
  const flash = new NorFlash(512 * KiB);
  loadFlash(flash, FLASH_BASE, options.flash);
  const controller = new Stm32f4Flash({
    clock,
    flash,
    sectorSizes: STM32F411_SECTORS,
    timings: pickTiming(STM32F411_TIMINGS, latency),
    timeScale: latency.flashTimeScale,
    debuggerConnected: () => dp.debugPowerRequested, // only called after construction
    optcr: options.locked ? (OPTCR_DEFAULT & ~0xff00) | 0x5500 : OPTCR_DEFAULT,
  });
  const [uid0, uid1] = options.deviceId ?? [0x00470031, 0x3234510d];
  const peripherals = new RegisterFile();
  const dbgmcu = new RegisterFile(new Map([[0x0, STM32F411.dbgmcuIdcode]]));

  bus.map(FLASH_BASE, flash.size, controller.arrayPort);
  bus.map(0x00000000, flash.size, controller.arrayPort); // boot alias (BOOT0 = 0)
  bus.map(0x1fff0000, 0x7800, readOnlyWords(new Map(), 0)); // system memory (bootloader ROM)
  bus.map(0x1fff7800, 0x210, readOnlyWords(new Map())); // OTP, blank
  bus.map(
    0x1fff7a00,
    0x100,
    readOnlyWords(
      new Map([
        [0x10, uid0 >>> 0],
        [0x14, uid1 >>> 0],
        [0x18, 0x20303735],
        [0x20, (STM32F411.flashSizeKiB << 16) | 0xffff],
      ]),
    ),
  );
  bus.map(0x1fffc000, 0x10, controller.optionBytes);
  bus.map(0x40023c00, 0x400, controller.registers);
  bus.map(0x40000000, 0x20000000, peripherals);
  bus.map(0xe0042000, 0x1000, dbgmcu);

  const system = new CortexMSystem({
    clock,
    bus,
    core: CORTEX_M4F,
    cpuHz: STM32F411.cpuHz,
    romTablePid: STM32F411.romTablePid,
    resetPeripherals: () => {
      controller.reset();
      peripherals.reset();
    },
  });
  const runner = system.runner;
  const ahbAp = new MemAp({
    idr: STM32F411.ahbApIdr,
    base: STM32F411.apBase,
    cswReset: STM32F411.cswReset,
    bus,
    allowed: (address) => !(runner.heldInReset && address < 0xe0000000),
  });
  const dp = new SwDp({
    dpidr: STM32F411.dpidr,
    swj: true,
    aps: [ahbAp],
    clock,
    elapse: (us) => system.elapse(us),
    setResetHeld: (held) => runner.setResetHeld(held),
  });
  runner.systemReset(); // power-on

  return {
    name: STM32F411.name,
    clock,
    bus,
    system,
    dp,
    flash,
    flashBase: FLASH_BASE,
    eraseBlocks: STM32F411_SECTORS,
    ram,
    ramBase: RAM_BASE,
    counters: controller,
    get locked() {
      return controller.readProtected;
    },
    failNextFlashOperation: (kind) => {
      controller.failNext = (kind as Stm32FlashError | undefined) ?? 'WRPERR';
    },
  };
}
