/**
 * The reset into the application, done with our own modem-line sequence because esptool-js
 * 0.7.0's `HardReset` never pulses EN (/work/shared/reference/dapjs-esptool-wasmoon-gotchas.md
 * §2). Apart from esp-link.ts so the ESP backend reaches it without loading esptool-js, which
 * it loads only when it connects.
 */

/** Milliseconds EN is held low by {@link resetIntoApp} (esptool's HardReset). */
const RESET_PULSE_MS = 100;

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resets the chip into its application: EN low for 100 ms with IO0 high (DTR released,
 * RTS asserted), then both lines released. Works on the two-transistor auto-reset circuit and
 * on USB-Serial/JTAG. `port` must be open.
 */
export async function resetIntoApp(port: SerialPort): Promise<void> {
  await port.setSignals({ dataTerminalReady: false, requestToSend: true });
  await sleep(RESET_PULSE_MS);
  await port.setSignals({ dataTerminalReady: false, requestToSend: false });
}
