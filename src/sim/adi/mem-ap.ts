/**
 * An AHB-AP (ADIv5 MEM-AP) onto the target's system bus: CSW (size 8/16/32, address
 * increment), TAR, DRW, BD0–BD3, CFG, BASE and IDR. TAR auto-increment only carries within a
 * 1 KiB block (TAR[9:0] wraps, bits 31:10 stay), the least ADIv5 guarantees and what the
 * Cortex-M0/M0+ AHB-APs do, so a host that streams across a 1 KiB boundary without rewriting
 * TAR writes to the wrong place. The Cortex-M3 r2/M4 AHB-AP (IDR 0x24770011) carries within
 * 4 KiB (TAR[11:0]; Cortex-M3/M4 TRMs, as pyOCD's `AHB_AP_4k_Wrap` and OpenOCD's 12-bit
 * `tar_autoincr_block` for these cores use it). Sub-word DRW data sits on byte lane TAR[1:0].
 */
import { BUS_FAULT, DEBUG, type SystemBus } from '../cortex-m/bus';
import type { AccessPort } from './access-port';

/** CSW fields. */
export const CSW = {
  SIZE_MASK: 0x7,
  ADDRINC_MASK: 0x30,
  ADDRINC_SINGLE: 0x10,
  ADDRINC_PACKED: 0x20,
  DEVICE_EN: 1 << 6,
  TR_IN_PROG: 1 << 7,
} as const;

/** TAR bits the auto-increment carries through: 1 KiB blocks unless the AP wraps at 4 KiB. */
const WRAP_1K = 0x3ff;
const WRAP_4K = 0xfff;
/** IDR of the Cortex-M3 r2 / Cortex-M4 AHB-AP, whose auto-increment wraps at 4 KiB. */
const CORTEX_M3_M4_AHB_AP_IDR = 0x24770011;
const CSW_WRITABLE = 0xff000f37;

/** Options for {@link MemAp}. */
export interface MemApOptions {
  idr: number;
  /** BASE: ROM table address | format | present. */
  base: number;
  /** CSW value after reset. */
  cswReset: number;
  bus: SystemBus;
  /** False while the AP may not reach the system (e.g. nRF52 APPROTECT): DeviceEn = 0. */
  deviceEnabled?: () => boolean;
  /** False if the debugger may not access `address` now (read-out protection, reset held). */
  allowed?: (address: number, write: boolean) => boolean;
}

/** The MEM-AP. */
export class MemAp implements AccessPort {
  readonly idr: number;
  private csw: number;
  private tar = 0;
  private readonly wrap: number;

  constructor(private readonly options: MemApOptions) {
    this.idr = options.idr;
    this.wrap = options.idr >>> 0 === CORTEX_M3_M4_AHB_AP_IDR ? WRAP_4K : WRAP_1K;
    this.csw = options.cswReset & CSW_WRITABLE;
  }

  private get size(): number {
    return this.csw & CSW.SIZE_MASK;
  }

  private get enabled(): boolean {
    return this.options.deviceEnabled?.() ?? true;
  }

  /** The address a DRW (register 0x0C) or BDn (0x10–0x1C) access goes to. */
  private addressFor(register: number): number {
    return register === 0x0c ? this.tar : ((this.tar & ~0xf) + (register - 0x10)) >>> 0;
  }

  stallUntil(register: number, _write: boolean): number {
    if (register !== 0x0c && (register < 0x10 || register > 0x1c)) return 0;
    return this.options.bus.stallUntil(this.addressFor(register));
  }

  read(register: number): number {
    switch (register) {
      case 0x00:
        return (this.csw | (this.enabled ? CSW.DEVICE_EN : 0)) >>> 0;
      case 0x04:
        return this.tar;
      case 0xf4:
        return 0; // CFG: little-endian
      case 0xf8:
        return this.options.base >>> 0;
      case 0xfc:
        return this.idr >>> 0;
    }
    if (register === 0x0c || (register >= 0x10 && register <= 0x1c)) {
      const value = this.memoryRead(this.addressFor(register));
      if (register === 0x0c) this.increment();
      return value;
    }
    return 0;
  }

  write(register: number, value: number): void {
    switch (register) {
      case 0x00:
        this.csw = value & CSW_WRITABLE;
        return;
      case 0x04:
        this.tar = value >>> 0;
        return;
    }
    if (register === 0x0c || (register >= 0x10 && register <= 0x1c)) {
      this.memoryWrite(this.addressFor(register), value);
      if (register === 0x0c) this.increment();
    }
  }

  private memoryRead(address: number): number {
    if (!this.enabled || this.options.allowed?.(address, false) === false) throw BUS_FAULT;
    const bus = this.options.bus;
    const lane = address & 3;
    switch (this.size) {
      case 0:
        return bus.read8(address, DEBUG) << (8 * lane);
      case 1:
        return bus.read16(address & ~1, DEBUG) << (8 * (lane & 2));
      case 2:
        return bus.read32(address & ~3, DEBUG);
      default:
        throw BUS_FAULT; // unsupported transfer size
    }
  }

  private memoryWrite(address: number, value: number): void {
    if (!this.enabled || this.options.allowed?.(address, true) === false) throw BUS_FAULT;
    const bus = this.options.bus;
    const lane = address & 3;
    switch (this.size) {
      case 0:
        bus.write8(address, (value >>> (8 * lane)) & 0xff, DEBUG);
        return;
      case 1:
        bus.write16(address & ~1, (value >>> (8 * (lane & 2))) & 0xffff, DEBUG);
        return;
      case 2:
        bus.write32(address & ~3, value, DEBUG);
        return;
      default:
        throw BUS_FAULT;
    }
  }

  private increment(): void {
    const mode = this.csw & CSW.ADDRINC_MASK;
    if (mode === 0) return;
    const step = mode === CSW.ADDRINC_PACKED ? 4 : 1 << this.size;
    this.tar = ((this.tar & ~this.wrap) | ((this.tar + step) & this.wrap)) >>> 0;
  }
}
