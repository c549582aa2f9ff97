/**
 * Which USB-UART ports the person has said lead to a Renesas RA chip in boot mode (its SCI boot
 * interface), or said do not, and how the host puts the chip into boot mode there (the Arduino
 * Uno R4 WiFi's bridge: a 2400-baud open). A USB-UART looks the same whatever is wired to it, so
 * only the person (or the simulation, for its own boards) knows; the chip's own USB CDC port
 * (045B:0261) needs no saying. The choice is kept per port object while the worker runs; the
 * page keeps it across reloads (`src/state/serial-marks.ts`) and says it again. The backend
 * registry then makes an `ra` backend for the port.
 */
import type { RaBootEntry } from './ra-api';

const raPorts = new WeakMap<SerialPort, { isRa: boolean; entry?: RaBootEntry }>();

/**
 * Marks `port` as leading to an RA chip in boot mode over SCI UART (`true`), as not leading to
 * one (`false`: an ESP board or other USB-UART, even where the simulation says otherwise), or
 * forgets the choice (`undefined`). `entry` says how the chip gets into boot mode (unsaid: by
 * the port's ids).
 */
export function markRaPort(port: SerialPort, isRa: boolean | undefined, entry?: RaBootEntry): void {
  if (isRa === undefined) raPorts.delete(port);
  else raPorts.set(port, entry === undefined ? { isRa } : { isRa, entry });
}

/** The person's choice for `port`: true (an RA chip), false (not one) or undefined (not said). */
export function raPortChoice(port: SerialPort): boolean | undefined {
  return raPorts.get(port)?.isRa;
}

/** The boot-mode entry the person chose for `port`, if any. */
export function raEntryChoice(port: SerialPort): RaBootEntry | undefined {
  const choice = raPorts.get(port);
  return choice?.isRa ? choice.entry : undefined;
}
