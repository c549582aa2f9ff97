/**
 * DAPLink's USB-to-UART bridge as the host reaches it through CMSIS-DAP vendor commands
 * (DAPLink `daplink_vendor_commands.h`, `DAP_vendor.c`, `uart.c`), the way the micro:bit
 * editors use it:
 *
 * - 0x81 ID_DAP_UART_GetLineCoding → 7 bytes of CDC line coding (baud u32, stop, parity, bits);
 * - 0x82 ID_DAP_UART_SetConfiguration (baud u32) → 1; reconfigures the UART and clears both
 *   buffers, as `uart_set_configuration` does;
 * - 0x83 ID_DAP_UART_Read → count, then up to 62 bytes from the receive buffer;
 * - 0x84 ID_DAP_UART_Write (count, bytes) → 1; the bytes go into the transmit buffer (what does
 *   not fit is dropped, as `circ_buf_write` does) and out on the wire at the baud rate.
 *
 * Both buffers hold 512 bytes. When the receive buffer has exactly room for the overflow
 * message left, DAPLink writes "<DAPLink:Overflow>\n" there and drops what follows until the
 * host reads. The wire runs on the target's clock: a byte from the target lands in the buffer
 * when its stop bit ends; bytes to the target leave one frame time apart.
 */
import type { VirtualClock } from '../clock';
import { frameUs, type UartWire } from '../chips/nrf-uart';

/** Vendor command ids (ID_DAP_Vendor1…4). */
export const UART_COMMAND = {
  GetLineCoding: 0x81,
  SetConfiguration: 0x82,
  Read: 0x83,
  Write: 0x84,
} as const;

const BUFFER_SIZE = 512;
const READ_MAX = 62;
const OVERFLOW_MESSAGE = new TextEncoder().encode('<DAPLink:Overflow>\n');
/** DAPLink's default line coding on the micro:bit interface firmware. */
const DEFAULT_BAUD = 115200;

/** The bridge between a probe's USB side and its target's UART pins. */
export class DaplinkUart implements UartWire {
  baud = DEFAULT_BAUD;
  /** Bytes from the target with the device time each one finished arriving. */
  private readonly received: { byte: number; atUs: number }[] = [];
  /** Bytes to the target (not yet taken by the target's UART). */
  private readonly sending: { byte: number; atUs: number; baud: number }[] = [];
  /** Bytes the target sent that were dropped (full buffer). */
  dropped = 0;

  constructor(
    private readonly clock: VirtualClock,
    readonly targetTxPin: number,
    readonly targetRxPin: number,
  ) {}

  fromTarget(byte: number, doneUs: number, baud: number): void {
    if (Math.abs(baud - this.baud) > 0.05 * this.baud) return; // framing error on the probe side
    const free = BUFFER_SIZE - this.received.length;
    if (free > OVERFLOW_MESSAGE.length) this.received.push({ byte, atUs: doneUs });
    else if (free === OVERFLOW_MESSAGE.length) {
      for (const b of OVERFLOW_MESSAGE) this.received.push({ byte: b, atUs: doneUs });
    } else this.dropped++;
  }

  pendingToTarget(): readonly { byte: number; atUs: number; baud: number }[] {
    return this.sending;
  }

  takeToTarget(count: number): void {
    this.sending.splice(0, count);
  }

  /** Handles a vendor command; returns the response length, or undefined if it is not a UART one. */
  execute(request: Uint8Array, out: Uint8Array): number | undefined {
    const u32 = (at: number) =>
      (request[at] | (request[at + 1] << 8) | (request[at + 2] << 16) | (request[at + 3] << 24)) >>> 0;
    out[0] = request[0];
    switch (request[0]) {
      case UART_COMMAND.GetLineCoding:
        out[1] = this.baud & 0xff;
        out[2] = (this.baud >>> 8) & 0xff;
        out[3] = (this.baud >>> 16) & 0xff;
        out[4] = this.baud >>> 24;
        out[5] = 0; // 1 stop bit
        out[6] = 0; // no parity
        out[7] = 8; // data bits
        return 8;
      case UART_COMMAND.SetConfiguration: {
        const baud = u32(1);
        if (baud > 0) this.baud = baud;
        this.received.length = 0;
        this.sending.length = 0;
        out[1] = 1;
        return 2;
      }
      case UART_COMMAND.Read: {
        const now = this.clock.nowUs;
        let n = 0;
        while (n < READ_MAX && n < this.received.length && this.received[n].atUs <= now) {
          out[2 + n] = this.received[n].byte;
          n++;
        }
        this.received.splice(0, n);
        out[1] = n;
        return 2 + n;
      }
      case UART_COMMAND.Write: {
        const count = request[1];
        const room = BUFFER_SIZE - this.sending.length;
        const frame = frameUs(this.baud);
        let at = Math.max(this.clock.nowUs, this.sending.at(-1)?.atUs ?? 0);
        for (let i = 0; i < Math.min(count, room); i++) {
          at += frame;
          this.sending.push({ byte: request[2 + i], atUs: at, baud: this.baud });
        }
        out[1] = 1;
        return 2;
      }
      default:
        return undefined;
    }
  }
}
