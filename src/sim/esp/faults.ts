/**
 * Faults on demand for a simulated ESP board: the cable pulled mid-transfer, bytes dropped or
 * corrupted on the wire, reset lines that do nothing (no auto-reset circuit), a baud change the
 * chip acknowledges but never makes, and flash that stops programming. Byte positions count
 * from the moment the fault is armed, per direction, so tests are deterministic.
 */

/** Direction of travel on the serial line. */
export type WireDirection = 'to-device' | 'to-host';

/** A byte-level fault: skip `after` bytes, then affect `count` bytes. */
export interface ByteFault {
  /** Which way the bytes travel. */
  direction: WireDirection;
  /** Bytes to let through first (counted from when the fault is armed). */
  after: number;
  /** How many bytes to affect (default 1). */
  count?: number;
}

/** A corruption: the affected bytes are XORed with `xor` (default 0x01). */
export interface CorruptFault extends ByteFault {
  xor?: number;
}

interface ArmedFault {
  kind: 'drop' | 'corrupt' | 'unplug';
  start: number;
  end: number;
  xor: number;
}

/** The outcome of passing bytes through the faults. */
export interface FilterResult {
  /** The bytes that arrive. */
  bytes: Uint8Array;
  /** True if the board is unplugged while these bytes travel (the rest never arrives). */
  unplug: boolean;
}

/** The fault switches of one board. */
export class FaultInjector {
  /** The chip acknowledges CHANGE_BAUDRATE but its UART keeps the old rate. */
  stuckBaud = false;
  /** DTR/RTS reach nothing: the board has no auto-reset circuit (hold BOOT, press RESET). */
  resetLinesDisconnected = false;
  private readonly position: Record<WireDirection, number> = { 'to-device': 0, 'to-host': 0 };
  private readonly armed: Record<WireDirection, ArmedFault[]> = { 'to-device': [], 'to-host': [] };

  /** Drops `count` bytes after `after` bytes. */
  drop(fault: ByteFault): void {
    this.arm('drop', fault, 0);
  }

  /** Corrupts `count` bytes after `after` bytes. */
  corrupt(fault: CorruptFault): void {
    this.arm('corrupt', fault, fault.xor ?? 0x01);
  }

  /** Unplugs the board once `after` more bytes have travelled in `direction`. */
  unplugAfter(direction: WireDirection, after: number): void {
    this.arm('unplug', { direction, after, count: 1 }, 0);
  }

  /** Removes every byte fault and clears the switches. */
  clear(): void {
    this.armed['to-device'] = [];
    this.armed['to-host'] = [];
    this.stuckBaud = false;
    this.resetLinesDisconnected = false;
  }

  /** Passes `bytes` travelling in `direction` through the armed faults. */
  filter(direction: WireDirection, bytes: Uint8Array): FilterResult {
    const faults = this.armed[direction];
    const base = this.position[direction];
    this.position[direction] += bytes.length;
    if (faults.length === 0) return { bytes, unplug: false };
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const at = base + i;
      let byte: number | null = bytes[i];
      for (const f of faults) {
        if (at < f.start || at >= f.end) continue;
        if (f.kind === 'unplug') {
          this.retire(direction, base + bytes.length);
          return { bytes: Uint8Array.from(out), unplug: true };
        }
        if (byte === null) continue;
        byte = f.kind === 'drop' ? null : byte ^ f.xor;
      }
      if (byte !== null) out.push(byte);
    }
    this.retire(direction, base + bytes.length);
    return { bytes: Uint8Array.from(out), unplug: false };
  }

  private arm(kind: ArmedFault['kind'], fault: ByteFault, xor: number): void {
    const start = this.position[fault.direction] + fault.after;
    this.armed[fault.direction].push({ kind, start, end: start + (fault.count ?? 1), xor });
  }

  private retire(direction: WireDirection, position: number): void {
    this.armed[direction] = this.armed[direction].filter((f) => f.end > position);
  }
}
