/**
 * SLIP framing (RFC 1055) as used by the ESP serial bootloader: every packet starts and ends
 * with 0xC0; inside a packet 0xC0 is sent as DB DC and 0xDB as DB DD. Bytes outside a frame
 * (boot log, application output, line noise) are skipped by the receiver.
 */

/** Frame delimiter. */
export const SLIP_END = 0xc0;
/** Escape byte. */
export const SLIP_ESC = 0xdb;
/** Escaped form of 0xC0 (after SLIP_ESC). */
export const SLIP_ESC_END = 0xdc;
/** Escaped form of 0xDB (after SLIP_ESC). */
export const SLIP_ESC_ESC = 0xdd;

/** Wraps `payload` in one SLIP frame (leading and trailing 0xC0, escapes inside). */
export function slipEncode(payload: Uint8Array): Uint8Array {
  let escapes = 0;
  for (const byte of payload) if (byte === SLIP_END || byte === SLIP_ESC) escapes++;
  const out = new Uint8Array(payload.length + escapes + 2);
  let o = 0;
  out[o++] = SLIP_END;
  for (const byte of payload) {
    if (byte === SLIP_END) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_END;
    } else if (byte === SLIP_ESC) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_ESC;
    } else {
      out[o++] = byte;
    }
  }
  out[o] = SLIP_END;
  return out;
}

/**
 * Streaming SLIP receiver. Feed it bytes as they arrive; it returns each complete frame.
 * Empty frames (two delimiters in a row, which a sender uses to flush noise) are skipped;
 * an invalid escape discards the frame in progress, as the ESP ROM and stub do.
 */
export class SlipDecoder {
  private inFrame = false;
  private escaping = false;
  private buffer: number[] = [];

  /** Pushes received bytes; returns the frames completed by them, in order. */
  push(bytes: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const byte of bytes) {
      if (byte === SLIP_END) {
        if (this.inFrame && this.buffer.length > 0 && !this.escaping) {
          frames.push(Uint8Array.from(this.buffer));
        }
        this.inFrame = true;
        this.escaping = false;
        this.buffer = [];
      } else if (!this.inFrame) {
        continue;
      } else if (this.escaping) {
        this.escaping = false;
        if (byte === SLIP_ESC_END) this.buffer.push(SLIP_END);
        else if (byte === SLIP_ESC_ESC) this.buffer.push(SLIP_ESC);
        else this.reset();
      } else if (byte === SLIP_ESC) {
        this.escaping = true;
      } else {
        this.buffer.push(byte);
      }
    }
    return frames;
  }

  /** Drops any partial frame; the next 0xC0 starts a new one. */
  reset(): void {
    this.inFrame = false;
    this.escaping = false;
    this.buffer = [];
  }
}
