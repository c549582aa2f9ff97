/**
 * Which USB-UART ports the person has said lead to a Renesas RA chip in boot mode (its SCI boot
 * interface), or said do not. A USB-UART looks the same whatever is wired to it, so only the
 * person (or the simulation, for its own boards) knows; the chip's own USB CDC port (045B:0261)
 * needs no saying. The choice is kept per port for as long as the page runs, like the RL78
 * marking; the backend registry then makes an `ra` backend for the port.
 */
const raPorts = new WeakMap<SerialPort, boolean>();

/**
 * Marks `port` as leading to an RA chip in boot mode over SCI UART (`true`), as not leading to
 * one (`false`: an ESP board or other USB-UART, even where the simulation says otherwise), or
 * forgets the choice (`undefined`).
 */
export function markRaPort(port: SerialPort, isRa: boolean | undefined): void {
  if (isRa === undefined) raPorts.delete(port);
  else raPorts.set(port, isRa);
}

/** The person's choice for `port`: true (an RA chip), false (not one) or undefined (not said). */
export function raPortChoice(port: SerialPort): boolean | undefined {
  return raPorts.get(port);
}
