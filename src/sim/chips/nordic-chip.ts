/**
 * Builds a Nordic nRF51/nRF52 chip from its description: code flash and UICR behind the NVMC,
 * FICR, SRAM, UART0 (`nrf-uart.ts`), a register store for the other peripherals (WDT REQSTATUS reads 0, as the
 * pyOCD/probe-rs algorithm needs), the Cortex-M core, the SW-DP with its AHB-AP (and the
 * CTRL-AP on nRF52), and read-out protection latched from UICR at reset.
 */
import { CtrlAp } from '../adi/ctrl-ap';
import { MemAp } from '../adi/mem-ap';
import { SwDp } from '../adi/sw-dp';
import type { AccessPort } from '../adi/access-port';
import { SystemBus } from '../cortex-m/bus';
import { CID_ROM_TABLE, romEntry, romTable } from '../cortex-m/coresight-ids';
import { ARM_ROM_TABLE, CortexMSystem, type CoreDescription } from '../cortex-m/cortex-m-system';
import { NorFlash } from './nor-flash';
import { NrfUart } from './nrf-uart';
import { Nvmc, type NvmcTimings } from './nvmc';
import { pickTiming, type TimingProfile } from './timing-profiles';
import { readOnlyWords, RegisterFile } from './register-file';
import { loadFlash, type ChipOptions, type SimulatedChip } from './simulated-chip';

/** A Nordic part as data. */
export interface NordicChipDescription {
  name: string;
  core: CoreDescription;
  cpuHz: number;
  dpidr: number;
  ahbApIdr: number;
  /** MEM-AP BASE register value. */
  apBase: number;
  cswReset: number;
  /** PID of the ROM table at `apBase & ~0xFFF` (Nordic's own table on nRF51). */
  romTablePid: number;
  flashSize: number;
  pageSize: number;
  ramSize: number;
  uicrSize: number;
  ficrSize: number;
  /** FICR words other than DEVICEID (offset → value). */
  ficr: ReadonlyMap<number, number>;
  /** NVMC timings, typical and worst case (`timing-profiles.ts`). */
  nvmcTimings: TimingProfile<NvmcTimings>;
  /** nRF52: CTRL-AP, APPROTECT in UICR 0x208; nRF51: RBPCONF.PALL in UICR 0x004. */
  nrf52: boolean;
  /** Size of the peripheral register window at 0x40000000. */
  peripheralWindow: number;
}

const FICR_BASE = 0x10000000;
const UICR_BASE = 0x10001000;
const NVMC_BASE = 0x4001e000;
const UART0_BASE = 0x40002000;
const RAM_BASE = 0x20000000;
const NRF51_RBPCONF = 0x004;
const NRF52_APPROTECT = 0x208;

/** Builds the chip. */
export function createNordicChip(d: NordicChipDescription, options: ChipOptions): SimulatedChip {
  const { clock, latency } = options;
  const ram = new Uint8Array(d.ramSize);
  const bus = new SystemBus(RAM_BASE, ram);
  const code = new NorFlash(d.flashSize);
  const uicr = new NorFlash(d.uicrSize);
  loadFlash(
    code,
    0,
    options.flash?.filter((b) => b.address < FICR_BASE),
  );
  loadFlash(
    uicr,
    UICR_BASE,
    options.flash?.filter((b) => b.address >= UICR_BASE && b.address < UICR_BASE + 0x1000),
  );
  if (options.locked) {
    const view = new DataView(uicr.data.buffer);
    if (d.nrf52) view.setUint32(NRF52_APPROTECT, 0xffffff00, true);
    else view.setUint32(NRF51_RBPCONF, 0xffff00ff, true);
  }
  const nvmc = new Nvmc({
    clock,
    code,
    uicr,
    pageSize: d.pageSize,
    timings: pickTiming(d.nvmcTimings, latency),
    timeScale: latency.flashTimeScale,
    nrf52: d.nrf52,
  });
  const [id0, id1] = options.deviceId ?? [0x5a17c0de, 0x1bad5eed];
  const ficr = new Map(d.ficr);
  ficr.set(0x060, id0 >>> 0);
  ficr.set(0x064, id1 >>> 0);
  const peripherals = new RegisterFile();
  const uart = new NrfUart(clock);
  const gpio = new RegisterFile();

  bus.map(0, d.flashSize, nvmc.codePort);
  bus.map(FICR_BASE, d.ficrSize, readOnlyWords(ficr));
  bus.map(UICR_BASE, d.uicrSize, nvmc.uicrPort);
  bus.map(NVMC_BASE, 0x1000, nvmc.registers);
  bus.map(UART0_BASE, 0x1000, uart);
  bus.map(0x40000000, d.peripheralWindow, peripherals);
  bus.map(0x50000000, 0x1000, gpio);

  let protectedAll = false;
  const latchProtection = (): void => {
    const view = new DataView(uicr.data.buffer);
    protectedAll = d.nrf52
      ? (view.getUint32(NRF52_APPROTECT, true) & 0xff) === 0x00
      : ((view.getUint32(NRF51_RBPCONF, true) >>> 8) & 0xff) === 0x00;
  };
  latchProtection();

  const romBase = (d.apBase & ~0xfff) >>> 0;
  const system = new CortexMSystem({
    clock,
    bus,
    core: d.core,
    cpuHz: d.cpuHz,
    romTablePid: romBase === ARM_ROM_TABLE ? d.romTablePid : undefined,
    resetPeripherals: () => {
      nvmc.reset();
      peripherals.reset();
      uart.reset();
      gpio.reset();
      latchProtection();
    },
  });
  if (romBase !== ARM_ROM_TABLE) {
    bus.map(
      romBase,
      0x1000,
      romTable({ pid: d.romTablePid, cid: CID_ROM_TABLE }, [romEntry(romBase, ARM_ROM_TABLE), 0]),
    );
  }
  const runner = system.runner;
  const ahbAp = new MemAp({
    idr: d.ahbApIdr,
    base: d.apBase,
    cswReset: d.cswReset,
    bus,
    deviceEnabled: () => !(d.nrf52 && protectedAll),
    allowed: (address) => {
      if (runner.heldInReset && address < 0xe0000000) return false;
      if (protectedAll && !d.nrf52) {
        return !(address < FICR_BASE || (address >= RAM_BASE && address < RAM_BASE + d.ramSize));
      }
      return true;
    },
  });
  let pinHeld = false;
  let ctrlApHeld = false;
  const applyReset = (): void => runner.setResetHeld(pinHeld || ctrlApHeld);
  const aps: AccessPort[] = [ahbAp];
  if (d.nrf52) {
    aps.push(
      new CtrlAp({
        clock,
        isProtected: () => protectedAll,
        eraseAll: () => {
          ram.fill(0);
          return nvmc.eraseAll();
        },
        setResetHeld: (held) => {
          ctrlApHeld = held;
          applyReset();
        },
      }),
    );
  }
  const dp = new SwDp({
    dpidr: d.dpidr,
    swj: false,
    aps,
    clock,
    elapse: (us) => system.elapse(us),
    setResetHeld: (held) => {
      pinHeld = held;
      applyReset();
    },
  });
  runner.systemReset(); // power-on

  return {
    name: d.name,
    clock,
    bus,
    system,
    dp,
    flash: code,
    flashBase: 0,
    eraseBlocks: Array.from({ length: d.flashSize / d.pageSize }, () => d.pageSize),
    ram,
    ramBase: RAM_BASE,
    counters: nvmc,
    uart,
    get locked() {
      return protectedAll;
    },
    failNextFlashOperation: () => {
      nvmc.failNext = true;
    },
  };
}
