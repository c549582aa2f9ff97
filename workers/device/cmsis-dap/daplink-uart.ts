/**
 * The target's UART through a DAPLink probe's CMSIS-DAP vendor commands (DAPLink
 * `daplink_vendor_commands.h` / `DAP_vendor.c`; the micro:bit editors use the same commands):
 * 0x82 sets the baud rate (and clears DAPLink's buffers), 0x83 reads up to 62 received bytes,
 * 0x84 queues up to 62 bytes for the target. Going through the CMSIS-DAP interface means the
 * one USB handle the device worker owns serves flashing and the serial console alike.
 */
import { WebProgError } from '../../../src/core/errors';

/** Vendor command ids (ID_DAP_Vendor2…4). */
const SET_CONFIGURATION = 0x82;
const READ = 0x83;
const WRITE = 0x84;
/** ID_DAP_Invalid: the probe's firmware does not have the command. */
const INVALID = 0xff;
/** Bytes one write command carries (64-byte packet minus command and count). */
export const UART_WRITE_CHUNK = 62;

/** Sends one command packet and resolves with its response. */
export type DapCommand = (packet: Uint8Array) => Promise<Uint8Array>;

/** The UART commands of a DAPLink probe. */
export class DaplinkUart {
  constructor(private readonly command: DapCommand) {}

  private async run(packet: Uint8Array, what: string): Promise<Uint8Array> {
    const response = await this.command(packet);
    if (response[0] === INVALID) {
      throw new WebProgError(
        'NOT_SUPPORTED',
        'Not Supported: this probe has no serial bridge (its firmware lacks DAPLink’s UART commands).',
      );
    }
    if (response[0] !== packet[0]) {
      throw new WebProgError(
        'DEVICE_PROTOCOL',
        `The probe answered ${what} with command 0x${response[0].toString(16)}.`,
      );
    }
    return response;
  }

  /** Sets the baud rate (DAPLink empties its buffers). */
  async configure(baud: number): Promise<void> {
    const b = Math.round(baud) >>> 0;
    const r = await this.run(
      Uint8Array.of(SET_CONFIGURATION, b & 0xff, (b >>> 8) & 0xff, (b >>> 16) & 0xff, b >>> 24),
      'the UART configuration',
    );
    if (r[1] !== 1) throw new WebProgError('DEVICE_PROTOCOL', `The probe refused ${b} baud.`);
  }

  /** Reads what the probe has received (empty when nothing). */
  async read(): Promise<Uint8Array> {
    const r = await this.run(Uint8Array.of(READ), 'a UART read');
    const n = Math.min(r[1] ?? 0, r.length - 2);
    return r.slice(2, 2 + n);
  }

  /** Sends `bytes` to the target, in packets of {@link UART_WRITE_CHUNK}. */
  async write(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length; at += UART_WRITE_CHUNK) {
      const chunk = bytes.subarray(at, at + UART_WRITE_CHUNK);
      const packet = new Uint8Array(2 + chunk.length);
      packet[0] = WRITE;
      packet[1] = chunk.length;
      packet.set(chunk, 2);
      await this.run(packet, 'a UART write');
    }
  }
}
