/**
 * Commands to the running flasher stub that the ESP backend sends itself rather than through
 * esptool-js: MD5 of flash ranges (one or many, two requests in flight), region and chip
 * erase, and flash reads that check the stub's trailing MD5 packet (esptool-js 0.7.0's
 * `readFlash` ignores it). Uses esptool-js's `Transport` for SLIP framing and its read loop.
 */
import type { Transport } from 'esptool-js';
import { md5 } from '@noble/hashes/legacy.js';
import { WebProgError, formatAddress, throwIfCancelled, type CancelSignal } from '../../../src/core/errors';
import {
  EspOp,
  describeStubStatus,
  parseStubReply,
  requestPacket,
  toHex,
  words,
  type StubReply,
} from './esp-protocol';

/** Default reply timeout (esptool `DEFAULT_TIMEOUT`). */
export const DEFAULT_TIMEOUT_MS = 3000;
/** MD5 timeout per MiB hashed (esptool `MD5_TIMEOUT_PER_MB`). */
const MD5_MS_PER_MB = 8000;
/** Erase timeout per MiB (esptool `ERASE_REGION_TIMEOUT_PER_MB`). */
const ERASE_MS_PER_MB = 40000;
/** Chip erase timeout (esptool `CHIP_ERASE_TIMEOUT`). */
const CHIP_ERASE_TIMEOUT_MS = 120000;
/** READ_FLASH packet size and packets in flight (esptool.py's choice). */
const READ_PACKET = 0x1000;
const READ_IN_FLIGHT = 64;
/** A register every ESP chip has (esptool `CHIP_DETECT_MAGIC_REG_ADDR`). */
const CHIP_DETECT_MAGIC_REG = 0x40001000;

/** A timeout scaled by size, never below the default. */
export function timeoutFor(msPerMb: number, bytes: number): number {
  return Math.max(DEFAULT_TIMEOUT_MS, Math.ceil((msPerMb * bytes) / 0x100000));
}

/** Talks to the flasher stub over an esptool-js transport whose read loop runs. */
export class StubChannel {
  /** Request packets sent through this channel (for tests and benchmarks). */
  packetsSent = 0;

  constructor(readonly transport: Transport) {}

  /** Sends one request packet (SLIP framing is added by the transport). */
  async send(packet: Uint8Array): Promise<void> {
    this.packetsSent++;
    await this.transport.write(packet);
  }

  /** Waits for the reply to `op`, skipping other packets; throws on a failed status. */
  async reply(op: number, timeoutMs: number, what: string): Promise<StubReply> {
    for (let skipped = 0; skipped < 100; skipped++) {
      const packet = await this.transport.read(timeoutMs);
      const reply = parseStubReply(packet);
      if (!reply || reply.op !== op) continue;
      if (reply.status !== 0) {
        throw new WebProgError(
          'DEVICE_PROTOCOL',
          `${what}: the flasher stub refused the command with ${describeStubStatus(reply.status, reply.error)}.`,
        );
      }
      return reply;
    }
    throw new WebProgError('DEVICE_PROTOCOL', `${what}: no reply to command 0x${op.toString(16)}.`);
  }

  /** Sends one command and waits for its reply (stale input is discarded first). */
  async command(op: number, data: Uint8Array, timeoutMs: number, what: string): Promise<StubReply> {
    this.transport.flushInput();
    await this.send(requestPacket(op, data));
    return this.reply(op, timeoutMs, what);
  }

  /**
   * Collects an error the stub carries over from the work it did after its last reply (it
   * reports such an error in place of the next command's reply): sends a READ_REG, as
   * esptool.py does after the last block. With `ignore`, a carried error is swallowed.
   */
  async settle(timeoutMs: number, ignore = false): Promise<void> {
    try {
      await this.command(EspOp.READ_REG, words(CHIP_DETECT_MAGIC_REG), timeoutMs, 'Finish writing');
    } catch (error) {
      if (!ignore) throw error;
    }
  }

  /** MD5 of `[address, address+size)` as computed by the chip, lowercase hex. */
  async md5(address: number, size: number): Promise<string> {
    const [digest] = await this.md5Many([{ address, size }]);
    return digest;
  }

  /**
   * MD5s of many ranges, keeping two requests in flight: the stub computes one while the next
   * is on the wire. Its replies come in order.
   */
  async md5Many(
    ranges: readonly { address: number; size: number }[],
    signal?: CancelSignal,
    onEach?: (index: number) => void,
  ): Promise<string[]> {
    const out: string[] = [];
    this.transport.flushInput();
    let sent = 0;
    while (out.length < ranges.length) {
      while (sent < ranges.length && sent - out.length < 2) {
        const r = ranges[sent++];
        await this.send(requestPacket(EspOp.SPI_FLASH_MD5, words(r.address, r.size, 0, 0)));
      }
      throwIfCancelled(signal);
      const r = ranges[out.length];
      const reply = await this.reply(
        EspOp.SPI_FLASH_MD5,
        timeoutFor(MD5_MS_PER_MB, r.size),
        `MD5 of ${formatAddress(r.address)}+0x${r.size.toString(16)}`,
      );
      if (reply.data.length !== 16) {
        throw new WebProgError('DEVICE_PROTOCOL', `MD5 reply of ${reply.data.length} bytes instead of 16.`);
      }
      out.push(toHex(reply.data));
      onEach?.(out.length - 1);
    }
    return out;
  }

  /** Erases `[address, address+size)` (sector multiples) with the stub's ERASE_REGION. */
  async eraseRegion(address: number, size: number): Promise<void> {
    await this.command(
      EspOp.ERASE_REGION,
      words(address, size),
      timeoutFor(ERASE_MS_PER_MB, size),
      `Erase ${formatAddress(address)}+0x${size.toString(16)}`,
    );
  }

  /** Erases the whole flash chip. */
  async eraseChip(): Promise<void> {
    await this.command(EspOp.ERASE_FLASH, new Uint8Array(0), CHIP_ERASE_TIMEOUT_MS, 'Chip erase');
  }

  /**
   * Reads `size` bytes from `address` with the stub's READ_FLASH and checks them against the
   * MD5 the stub sends last. `onBytes` receives the running total.
   */
  async readFlash(
    address: number,
    size: number,
    signal?: CancelSignal,
    onBytes?: (total: number) => void,
  ): Promise<Uint8Array> {
    const what = `Read ${formatAddress(address)}+0x${size.toString(16)}`;
    await this.command(
      EspOp.READ_FLASH,
      words(address, size, READ_PACKET, READ_IN_FLIGHT),
      DEFAULT_TIMEOUT_MS,
      what,
    );
    const out = new Uint8Array(size);
    let received = 0;
    while (received < size) {
      throwIfCancelled(signal);
      const packet = await this.transport.read(DEFAULT_TIMEOUT_MS);
      if (packet.length === 0 || received + packet.length > size) {
        throw new WebProgError(
          'DEVICE_PROTOCOL',
          `${what}: a data packet of ${packet.length} bytes does not fit.`,
        );
      }
      out.set(packet, received);
      received += packet.length;
      await this.send(words(received));
      onBytes?.(received);
    }
    const digest = await this.transport.read(DEFAULT_TIMEOUT_MS);
    if (digest.length !== 16 || toHex(digest) !== toHex(md5(out))) {
      throw new WebProgError(
        'DEVICE_PROTOCOL',
        `${what}: the data arrived damaged (its MD5 does not match the one the chip sent).`,
        { address },
      );
    }
    return out;
  }
}

/** MD5 of bytes, lowercase hex (host side). */
export function md5Hex(data: Uint8Array): string {
  return toHex(md5(data));
}
