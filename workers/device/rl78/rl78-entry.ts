/**
 * Puts an RL78 into flash memory programming mode through a USB-UART (R01AN0815 §1.4, as
 * rl78flash does it): RESET low (the chosen modem line asserted) with TOOL0 low (TxD held low
 * by a break), RESET released, TOOL0 released ≈ 3 ms later, then the mode byte (0x3A
 * single-wire, 0x00 two-wire), Baud Rate Set at 115200 Bd with the supply voltage, the port
 * moved to the new rate, and a Reset command to confirm the chip hears the host there.
 *
 * Web Serial has no in-place rate change: a port that offers the non-standard `setBaudRate`
 * changes in place; otherwise only 115200 Bd is used. Closing and reopening the port at the new
 * rate (what esptool-js does for an ESP) would reset the chip out of programming mode: opening a
 * port asserts DTR and RTS (Chromium on Windows sets DTR_CONTROL_ENABLE / RTS_CONTROL_ENABLE in
 * the DCB; on Linux and macOS the kernel's tty open raises both; WICG/serial issue 177), one of
 * them drives RESET, and `setSignals` is not allowed before `open` resolves, so RESET is low for
 * at least a USB control transfer — far longer than the RL78's minimum reset pulse of about
 * 10 µs. The chip then restarts with TOOL0 high (the user program) at 115200 Bd, and entry can
 * only be done at 115200 Bd again.
 */
import { WebProgError } from '../../../src/core/errors';
import { rl78BaudRateSet, rl78Reset, type Rl78BaudAnswer } from './rl78-commands';
import { Rl78Link, sleep, type Rl78Wiring } from './rl78-link';

/** Which modem line drives RESET (asserted = RESET low). */
export type Rl78ResetLine = 'dtr' | 'rts';

/** Options of {@link enterProgrammingMode}. */
export interface Rl78EntryOptions {
  wiring: Rl78Wiring;
  reset: Rl78ResetLine;
  /** Wanted baud rate (115200, 250000, 500000 or 1000000). */
  baud: number;
  /** Supply voltage in volts (the Baud Rate Set voltage byte; default 3.3). */
  volts?: number;
}

/** What entry achieved. */
export interface Rl78EntryResult {
  /** The rate in use. */
  baud: number;
  /** Baud Rate Set's answer. */
  answer: Rl78BaudAnswer;
  /** Why a lower rate than asked is used, if so. */
  note?: string;
}

/** Milliseconds RESET is held low. */
const RESET_LOW_MS = 2;
/** Milliseconds between RESET release and TOOL0 release (reference sheet: ≈ 3 ms). */
const TOOL0_HOLD_MS = 3;
/** Milliseconds after TOOL0 release before the mode byte. */
const MODE_BYTE_DELAY_MS = 1;

/** Whether a port can change its rate without closing. */
export function canChangeBaudInPlace(port: SerialPort): boolean {
  return typeof (port as { setBaudRate?: unknown }).setBaudRate === 'function';
}

/** Runs the entry sequence on an open link. */
export async function enterProgrammingMode(
  link: Rl78Link,
  options: Rl78EntryOptions,
): Promise<Rl78EntryResult> {
  const line = (asserted: boolean): SerialOutputSignals =>
    options.reset === 'dtr' ? { dataTerminalReady: asserted } : { requestToSend: asserted };
  const other: SerialOutputSignals =
    options.reset === 'dtr' ? { requestToSend: false } : { dataTerminalReady: false };
  await link.signals({ ...line(true), ...other, break: true });
  await sleep(RESET_LOW_MS);
  await link.signals(line(false));
  await sleep(TOOL0_HOLD_MS);
  await link.signals({ break: false });
  await sleep(MODE_BYTE_DELAY_MS);
  link.flush();
  await link.send(Uint8Array.of(options.wiring === 'single-wire' ? 0x3a : 0x00));
  await sleep(MODE_BYTE_DELAY_MS);
  let baud = options.baud;
  let note: string | undefined;
  if (baud !== 115_200 && !canChangeBaudInPlace(link.port)) {
    note = `${baud} Bd needs a serial port that changes its rate in place; this browser’s Web Serial cannot, and reopening the port at the new rate would reset the chip (opening a port asserts DTR and RTS, and one of them drives RESET), so 115200 Bd is used.`;
    baud = 115_200;
  }
  let answer: Rl78BaudAnswer;
  try {
    answer = await rl78BaudRateSet(link, baud, options.volts ?? 3.3);
  } catch (error) {
    if (error instanceof WebProgError && error.code === 'TIMEOUT') {
      throw new WebProgError(
        'BOOT_MODE_REQUIRED',
        `The RL78 did not enter its programming mode (no answer to Baud Rate Set). Check the circuit: RESET on ${options.reset.toUpperCase()}, ` +
          (options.wiring === 'single-wire'
            ? 'TxD through the resistor/diode onto TOOL0 with RxD on TOOL0'
            : 'TxD on TOOLRxD and TOOL0, RxD on TOOLTxD') +
          ', common ground, and the chip powered.',
        { cause: error },
      );
    }
    throw error;
  }
  if (baud !== 115_200) {
    await (link.port as unknown as { setBaudRate(b: number): Promise<void> }).setBaudRate(baud);
    try {
      await rl78Reset(link);
    } catch (error) {
      throw new WebProgError(
        'DEVICE_PROTOCOL',
        `The RL78 acknowledged ${baud} Bd but does not answer at that rate (the USB-UART, the cable or the resistor on TOOL0 may not carry it). Try a lower baud rate.`,
        { cause: error },
      );
    }
  } else {
    await rl78Reset(link);
  }
  return { baud, answer, ...(note ? { note } : {}) };
}
