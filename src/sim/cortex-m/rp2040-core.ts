/**
 * Access to rp2040js's ARMv6-M core (`CortexM0Core`). The package does not export the class and
 * its `exports` map blocks deep imports (reference notes, rp2040js §4), so the constructor is
 * taken from a throw-away `RP2040` instance, once, on first use. The core only needs a bus
 * object with `readUint8/16/32`, `writeUint8/16/32`, `onBreak(imm)` and `logger`.
 */
import { RP2040 } from 'rp2040js';

/** rp2040js's ARMv6-M core. */
export type CortexM0Core = RP2040['core'];

/** What the core calls on its "chip": memory accesses, BKPT/UDF, and log messages. */
export interface CoreBus {
  readUint8(address: number): number;
  readUint16(address: number): number;
  readUint32(address: number): number;
  writeUint8(address: number, value: number): void;
  writeUint16(address: number, value: number): void;
  writeUint32(address: number, value: number): void;
  /** Called by BKPT and UDF after the PC has moved past the instruction. */
  onBreak(code: number): void;
  /** rp2040js logs unimplemented instructions through `logger.warn`. */
  logger: {
    debug(component: string, message: string): void;
    info(component: string, message: string): void;
    warn(component: string, message: string): void;
    error(component: string, message: string): void;
  };
}

type CoreConstructor = new (bus: RP2040) => CortexM0Core;
let coreConstructor: CoreConstructor | undefined;

/** Creates an ARMv6-M core wired to `bus`. */
export function createCortexM0Core(bus: CoreBus): CortexM0Core {
  if (coreConstructor === undefined) {
    // Only the core's class is wanted: the throw-away chip's reset() (run by its constructor)
    // fills its 16 MB flash with 0xFF, some 20 ms of every simulation's start, so it is skipped.
    const reset = Object.getOwnPropertyDescriptor(RP2040.prototype, 'reset')!;
    Object.defineProperty(RP2040.prototype, 'reset', { ...reset, value: () => undefined });
    try {
      coreConstructor = new RP2040().core.constructor as CoreConstructor;
    } finally {
      Object.defineProperty(RP2040.prototype, 'reset', reset);
    }
  }
  return new coreConstructor(bus as unknown as RP2040);
}
