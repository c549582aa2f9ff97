/**
 * The target's system bus: one address space shared by the CPU and the debugger's MEM-AP.
 * Fast paths for RAM and code flash; every other address goes to a small list of devices.
 * An access nobody answers raises a bus fault (thrown as {@link BUS_FAULT}), as on silicon.
 */

/** Who makes an access: 0 = the CPU, 1 = the debugger through the MEM-AP. */
export type Master = 0 | 1;
/** The CPU as bus master. */
export const CPU: Master = 0;
/** The debugger (MEM-AP) as bus master. */
export const DEBUG: Master = 1;

/** Thrown by bus accesses that fault. A single shared object: no allocation on the hot path. */
export const BUS_FAULT: { readonly busFault: true } = Object.freeze({ busFault: true as const });

/** True if `error` is the bus-fault signal. */
export function isBusFault(error: unknown): boolean {
  return error === BUS_FAULT;
}

/** A device on the bus. Offsets are relative to its base; sizes are 1, 2 or 4 bytes. */
export interface BusDevice {
  /** Reads `size` bytes at `offset` (aligned); throws {@link BUS_FAULT} if it cannot. */
  read(offset: number, size: number, master: Master): number;
  /** Writes `size` bytes at `offset` (aligned); throws {@link BUS_FAULT} if it cannot. */
  write(offset: number, value: number, size: number, master: Master): void;
  /** Device time until which an access at `offset` would stall the bus (0 = no stall). */
  stallUntil?(offset: number): number;
  /**
   * When the device next changes as the CPU sees it: the device time (µs) before which a CPU
   * read of `size` bytes at `offset` keeps returning what it returns now and has no side
   * effect (no stall, no fault, no cleared flag); `Infinity` while only a write can change it.
   * A time not after now, or leaving the method out, promises nothing. The idle-loop
   * fast-forward (`idle-loop.ts`) skips a poll loop only up to this time.
   */
  nextChangeUs?(offset: number, size: number): number;
}

/** What {@link BusDevice.nextChangeUs} returns for a read that only a write can change. */
export const UNCHANGING = Infinity;

/** A device mapped at `[base, base + size)`. */
export interface BusMapping {
  base: number;
  size: number;
  device: BusDevice;
}

/**
 * Address decoder. RAM is a plain byte array on the fast path; everything else (flash with its
 * controller rules, peripherals, the Private Peripheral Bus) is a {@link BusDevice}.
 */
export class SystemBus {
  private readonly ram8: Uint8Array;
  private readonly ram16: Uint16Array;
  private readonly ram32: Uint32Array;
  private readonly ramEnd: number;
  private readonly mappings: BusMapping[] = [];
  /** Per mapping: an earlier mapping overlaps it (so it does not answer all of its range). */
  private readonly shadowed: boolean[] = [];
  /** The mapping that answered the last access outside SRAM (see {@link find}). */
  private lastHit: BusMapping | undefined;
  /** Called for every write (after it succeeded) when set; used by the fault injector. */
  writeObserver: ((address: number, size: number, master: Master) => void) | undefined;

  constructor(
    /** Base of the system SRAM. */
    readonly ramBase: number,
    /** The SRAM contents (retained across resets). */
    readonly ram: Uint8Array,
  ) {
    this.ram8 = ram;
    this.ram16 = new Uint16Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 1);
    this.ram32 = new Uint32Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 2);
    this.ramEnd = ramBase + ram.byteLength;
  }

  /** Maps `device` at `[base, base + size)`. Later mappings do not override earlier ones. */
  map(base: number, size: number, device: BusDevice): void {
    const mapping = { base: base >>> 0, size, device };
    this.shadowed.push(
      this.mappings.some((m) => m.base < mapping.base + size && mapping.base < m.base + m.size),
    );
    this.mappings.push(mapping);
  }

  /** The mapping that contains `address`, if any. */
  private find(address: number): BusMapping | undefined {
    // Accesses come in runs to one device (a poll loop, a flash read): try the last one first.
    const last = this.lastHit;
    if (last !== undefined && address >= last.base && address - last.base < last.size) return last;
    const mappings = this.mappings;
    for (let i = 0; i < mappings.length; i++) {
      const m = mappings[i];
      if (address >= m.base && address - m.base < m.size) {
        // Only a mapping no earlier one overlaps answers every address it contains.
        if (!this.shadowed[i]) this.lastHit = m;
        return m;
      }
    }
    return undefined;
  }

  private isRam(address: number, size: number): boolean {
    return address >= this.ramBase && address + size <= this.ramEnd;
  }

  /** Reads a 32-bit word at an aligned `address`. */
  read32(address: number, master: Master): number {
    address >>>= 0;
    if (this.isRam(address, 4)) {
      return this.ram32[(address - this.ramBase) >>> 2];
    }
    return this.slowRead(address, 4, master);
  }

  /** Reads a 16-bit halfword at an aligned `address`. */
  read16(address: number, master: Master): number {
    address >>>= 0;
    if (this.isRam(address, 2)) {
      return this.ram16[(address - this.ramBase) >>> 1];
    }
    return this.slowRead(address, 2, master);
  }

  /** Reads a byte at `address`. */
  read8(address: number, master: Master): number {
    address >>>= 0;
    if (this.isRam(address, 1)) {
      return this.ram8[address - this.ramBase];
    }
    return this.slowRead(address, 1, master);
  }

  /**
   * The SRAM halfword at an aligned `address` (an instruction fetch's fast path), or -1 if
   * `address` is not in SRAM. No side effects.
   */
  ramHalfword(address: number): number {
    address >>>= 0;
    if (address >= this.ramBase && address + 2 <= this.ramEnd)
      return this.ram16[(address - this.ramBase) >>> 1];
    return -1;
  }

  /** Writes a 32-bit word at an aligned `address`. */
  write32(address: number, value: number, master: Master): void {
    this.write(address >>> 0, value, 4, master);
  }

  /** Writes a 16-bit halfword at an aligned `address`. */
  write16(address: number, value: number, master: Master): void {
    this.write(address >>> 0, value & 0xffff, 2, master);
  }

  /** Writes a byte at `address`. */
  write8(address: number, value: number, master: Master): void {
    this.write(address >>> 0, value & 0xff, 1, master);
  }

  /** Device time until which an access at `address` would stall (0 = no stall). */
  stallUntil(address: number): number {
    address >>>= 0;
    if (this.isRam(address, 1)) return 0;
    const m = this.find(address);
    return m?.device.stallUntil?.(address - m.base) ?? 0;
  }

  /**
   * Until when a CPU read of `size` bytes at `address` keeps its value and has no side effect
   * (see {@link BusDevice.nextChangeUs}): `Infinity` for SRAM, 0 (no promise) for an address
   * nobody answers or a device that cannot tell.
   */
  nextChangeUs(address: number, size: number): number {
    address >>>= 0;
    if (this.isRam(address, size)) return UNCHANGING;
    const m = this.find(address);
    return m?.device.nextChangeUs?.(address - m.base, size) ?? 0;
  }

  private slowRead(address: number, size: number, master: Master): number {
    const m = this.find(address);
    if (m === undefined) throw BUS_FAULT;
    return m.device.read(address - m.base, size, master) >>> 0;
  }

  private write(address: number, value: number, size: number, master: Master): void {
    if (this.isRam(address, size)) {
      const offset = address - this.ramBase;
      if (size === 4) this.ram32[offset >>> 2] = value;
      else if (size === 2) this.ram16[offset >>> 1] = value;
      else this.ram8[offset] = value;
    } else {
      const m = this.find(address);
      if (m === undefined) throw BUS_FAULT;
      m.device.write(address - m.base, value >>> 0, size, master);
    }
    this.writeObserver?.(address, size, master);
  }
}
