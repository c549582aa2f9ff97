/**
 * ATSAMD21G18A (Arduino Zero, Adafruit Feather M0) as data plus its bus, after the SAM D21
 * family datasheet (DS40001882): Cortex-M0+ at 1 MHz after reset (OSC8M divided by 8),
 * 256 KiB flash at 0 in 4096 pages of 64 bytes (rows of 4 pages), the NVM user row at
 * 0x00804000 (`samd21-nvmctrl.ts`), 32 KiB SRAM, NVMCTRL at 0x41004000 and the Device Service
 * Unit at 0x41002000: DID 0x10010305 (SAMD21G18A, revision D) at 0x41002018, CTRL.CE (chip
 * erase, STATUSA.DONE when finished), STATUSB.PROT (security bit), the debugger's mirror of
 * those registers at 0x41002100, and the DSU's CoreSight ROM table at 0x41003000 (JEP106 Atmel
 * 0x1F, part 0xCD0) that lists the Cortex-M0+ ROM table at 0xE00FF000. SW-DP 0x0BC11477,
 * AHB-AP 0x04770031 with BASE 0x41003003. With the security bit set the debugger reaches only
 * the DSU's external registers and its ROM table. SYSCTRL's OSC8M prescaler (PRESC, reset /8)
 * sets the core clock, 8 MHz >> PRESC (GCLK0 runs from OSC8M after reset; other clock sources
 * are not modeled). Flash timings: `timing-profiles.ts`.
 */
import { MemAp } from '../adi/mem-ap';
import { SwDp } from '../adi/sw-dp';
import { SystemBus, type BusDevice } from '../cortex-m/bus';
import { CortexMSystem } from '../cortex-m/cortex-m-system';
import { CORTEX_M0PLUS } from '../cortex-m/cortex-m0plus';
import { CID_ROM_TABLE, idRegister, romEntry } from '../cortex-m/coresight-ids';
import { NorFlash } from './nor-flash';
import { readOnlyWords, RegisterFile } from './register-file';
import { loadFlash, type ChipOptions, type SimulatedChip } from './simulated-chip';
import { SAMD_ROW, SAMD_USER_ROW, Samd21Nvmctrl, type Samd21FlashError } from './samd21-nvmctrl';
import { pickTiming, SAMD21_TIMINGS } from './timing-profiles';

const RAM_BASE = 0x20000000;
const DSU_BASE = 0x41002000;
const DSU_ROM_TABLE = 0x41003000;
const KiB = 1024;

/** Identification values. */
export const SAMD21 = {
  name: 'ATSAMD21G18A',
  dpidr: 0x0bc11477,
  ahbApIdr: 0x04770031,
  apBase: 0x41003003,
  cswReset: 0x23000040,
  /** The DSU ROM table: PID4 0x00, PID0..PID3 0xD0 0xFC 0x09 0x00 (JEP106 0x1F, part 0xCD0). */
  romTablePid: 0x0009fcd0,
  did: 0x10010305,
  flashKiB: 256,
  ramKiB: 32,
  cpuHz: 1_000_000,
} as const;

/**
 * The user row of an Arduino Zero or Feather M0 as shipped: BOOTPROT = 2 (8 KiB boot section
 * for the bootloader), EEPROM emulation off, BOD33 settings, every region unlocked.
 */
export const SAMD21_BOARD_USER_ROW: readonly [number, number] = [0xd8e0c7fa, 0xfffffc5d];

/** Extra options of the SAMD21 factory. */
export interface Samd21Options extends ChipOptions {
  /** The first two words of the NVM user row (default: {@link SAMD21_BOARD_USER_ROW}). */
  userRow?: readonly [number, number];
  /** Flash size in KiB (a size variant: 32, 64, 128 or 256; NVMCTRL PARAM follows). */
  flashKiB?: number;
}

/** A simulated ATSAMD21G18A. `locked` sets the security bit. */
export function createSamd21(options: Samd21Options): SimulatedChip {
  const { clock, latency } = options;
  const ram = new Uint8Array(SAMD21.ramKiB * KiB);
  const bus = new SystemBus(RAM_BASE, ram);
  const flash = new NorFlash((options.flashKiB ?? SAMD21.flashKiB) * KiB);
  const userRow = new NorFlash(SAMD_ROW);
  const [row0, row1] = options.userRow ?? SAMD21_BOARD_USER_ROW;
  const rowBytes = new Uint8Array(8);
  new DataView(rowBytes.buffer).setUint32(0, row0 >>> 0, true);
  new DataView(rowBytes.buffer).setUint32(4, row1 >>> 0, true);
  userRow.load(0, rowBytes);
  const userRowBlocks = (options.flash ?? []).filter((b) => b.address >= SAMD_USER_ROW);
  loadFlash(
    flash,
    0,
    (options.flash ?? []).filter((b) => b.address < SAMD_USER_ROW),
  );
  loadFlash(userRow, SAMD_USER_ROW, userRowBlocks);
  const nvm = new Samd21Nvmctrl({
    clock,
    flash,
    userRow,
    timings: pickTiming(SAMD21_TIMINGS, latency),
    timeScale: latency.flashTimeScale,
    secured: options.locked,
  });
  const [serial0, serial1] = options.deviceId ?? [0x5a8e3c21, 0x50533233];
  const peripherals = new RegisterFile();
  const dsu = new Dsu(SAMD21.did, nvm, () => ram.fill(0));

  bus.map(0x00000000, flash.size, nvm.arrayPort);
  bus.map(SAMD_USER_ROW, SAMD_ROW, nvm.userRowPort);
  bus.map(0x00806000, 0x100, readOnlyWords(new Map([[0x20, 0xfffff3ff]]))); // calibration row
  bus.map(
    0x0080a000,
    0x100,
    readOnlyWords(
      new Map([
        [0x0c, serial0 >>> 0],
        [0x40, serial1 >>> 0],
        [0x44, 0x20202020],
        [0x48, 0x0e1f0f19],
      ]),
    ),
  );
  bus.map(DSU_BASE, 0x2000, dsu);
  const sysctrl = new Sysctrl((hz) => system.runner.setCpuHz(hz));
  bus.map(0x40000800, 0x100, sysctrl);
  bus.map(0x41004000, 0x100, nvm.registers);
  bus.map(0x40000000, 0x03000000, peripherals);

  const system = new CortexMSystem({
    clock,
    bus,
    core: CORTEX_M0PLUS,
    cpuHz: SAMD21.cpuHz,
    resetPeripherals: () => {
      nvm.reset();
      sysctrl.reset();
      peripherals.reset();
    },
  });
  const runner = system.runner;
  /** What the debugger may reach: with the security bit only the DSU's external side. */
  const reachable = (address: number): boolean =>
    !nvm.securityBit ||
    (address >= DSU_BASE + 0x100 && address < DSU_BASE + 0x200) ||
    (address >= DSU_ROM_TABLE && address < DSU_ROM_TABLE + 0x1000);
  const ahbAp = new MemAp({
    idr: SAMD21.ahbApIdr,
    base: SAMD21.apBase,
    cswReset: SAMD21.cswReset,
    bus,
    allowed: (address) => reachable(address) && !(runner.heldInReset && address < 0xe0000000),
  });
  const dp = new SwDp({
    dpidr: SAMD21.dpidr,
    swj: false,
    aps: [ahbAp],
    clock,
    elapse: (us) => system.elapse(us),
    setResetHeld: (held) => runner.setResetHeld(held),
  });
  runner.systemReset(); // power-on

  return {
    name: SAMD21.name,
    clock,
    bus,
    system,
    dp,
    flash,
    flashBase: 0,
    eraseBlocks: Array.from({ length: flash.size / SAMD_ROW }, () => SAMD_ROW),
    ram,
    ramBase: RAM_BASE,
    counters: nvm,
    get locked() {
      return nvm.securityBit;
    },
    failNextFlashOperation: (kind) => {
      nvm.failNext = (kind as Samd21FlashError | undefined) ?? 'LOCKE';
    },
  };
}

/**
 * The Device Service Unit: CTRL (CE starts a chip erase), STATUSA (DONE, w1c), STATUSB (PROT,
 * DBGPRES), DID, at 0x000 and mirrored at 0x100 for the debugger; its ROM table at 0x1000
 * (ENTRY0 → the Cortex-M0+ ROM table, END, MEMTYPE, the ID block at 0x1FD0).
 */
class Dsu implements BusDevice {
  private statusA = 0;
  private eraseEndsAt = -1;

  constructor(
    private readonly did: number,
    private readonly nvm: Samd21Nvmctrl,
    private readonly eraseRam: () => void,
  ) {}

  read(offset: number, size: number): number {
    const word = this.readWord(offset & ~3);
    if (size === 4) return word >>> 0;
    return (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
  }

  private readWord(offset: number): number {
    if (offset >= 0x1000) {
      const table = offset - 0x1000;
      if (table === 0) return romEntry(DSU_ROM_TABLE, 0xe00ff000);
      if (table === 0xfcc) return 1; // MEMTYPE: system memory present
      return idRegister({ pid: SAMD21.romTablePid, cid: CID_ROM_TABLE }, table) ?? 0;
    }
    const reg = offset >= 0x100 && offset < 0x200 ? offset - 0x100 : offset;
    if (reg === 0) {
      if (this.eraseEndsAt >= 0 && this.nvmIdle()) {
        this.statusA |= 1; // DONE
        this.eraseEndsAt = -1;
      }
      const statusB = (this.nvm.securityBit ? 1 : 0) | 2; // PROT, DBGPRES
      return ((this.statusA << 8) | (statusB << 16)) >>> 0;
    }
    if (reg === 0x18) return this.did;
    return 0;
  }

  private nvmIdle(): boolean {
    return (this.nvm.registers.read(0x14, 1, 1) & 1) === 1;
  }

  write(offset: number, value: number, size: number): void {
    if (offset >= 0x1000) return;
    const reg = offset >= 0x100 && offset < 0x200 ? offset - 0x100 : offset;
    const word = (value << (8 * (reg & 3))) >>> 0;
    if ((reg & ~3) !== 0) return;
    const ctrl = reg === 0 ? word & 0xff : 0;
    const coversStatusA = (reg & 3) <= 1 && (reg & 3) + size > 1;
    if (coversStatusA) this.statusA &= ~((word >>> 8) & 0x1f); // write 1 to clear
    if (ctrl & (1 << 4)) {
      // CE: erase the flash and the RAM; STATUSA.DONE when the NVM is ready again.
      this.statusA &= ~1;
      this.eraseRam();
      this.eraseEndsAt = this.nvm.chipErase();
    }
  }

  nextChangeUs(): number {
    return this.eraseEndsAt >= 0 ? this.eraseEndsAt : Infinity;
  }
}

/** OSC8M after reset: enabled, on demand, PRESC = 3 (÷8), factory calibration. */
const OSC8M_RESET = 0x87070382;

/** SYSCTRL: PCLKSR (OSC8MRDY) and OSC8M, whose prescaler sets the core clock. */
class Sysctrl implements BusDevice {
  private osc8m = OSC8M_RESET;

  constructor(private readonly setCpuHz: (hz: number) => void) {}

  read(offset: number, size: number): number {
    const aligned = offset & ~3;
    const word = aligned === 0x20 ? this.osc8m : aligned === 0x0c ? 0x00000008 : 0;
    if (size === 4) return word >>> 0;
    return (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
  }

  write(offset: number, value: number, size: number): void {
    if ((offset & ~3) !== 0x20) return;
    const shift = 8 * (offset & 3);
    const mask = (size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff) << shift;
    this.osc8m = ((this.osc8m & ~mask) | ((value << shift) & mask)) >>> 0;
    this.setCpuHz(8_000_000 >> ((this.osc8m >>> 8) & 3));
  }

  nextChangeUs(): number {
    return Infinity;
  }

  /** System reset: OSC8M back to ÷8 (1 MHz). */
  reset(): void {
    this.osc8m = OSC8M_RESET;
    this.setCpuHz(8_000_000 >> 3);
  }
}
