/**
 * Writing over the chip's own USB-Serial/JTAG port: 16 KiB blocks (esptool.py's size there; only
 * USB-OTG needs 2 KiB), and never a block the stub has no free frame buffer for, even when the
 * backend's nominal baud rate would make the wire look slow. Runs with 'real' latency at half
 * the hardware's speed, so the host is quick relative to the board as on a real PC.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { sameBytes, sectorMixedImage } from '../../../src/sim/esp/test-helpers';
import { espRig, flashImage } from './testing';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

test.each([115200, 921600])(
  'ESP32-S3 on USB-Serial/JTAG, nominal %i baud: 16 KiB blocks, no frame lost',
  async (baud) => {
    const { board, backend } = espRig(
      { chip: 'esp32s3', usb: 'native', latency: 'real', timeScale: 0.5 },
      { baud },
    );
    await backend.connect();
    expect(backend.chipInfo?.blockSize).toBe(0x4000);
    const image = sectorMixedImage().subarray(0, 0x40000);
    const report = await backend.flash(flashImage(0x400000, [{ address: 0x10000, data: image }]), {
      allowWrites: true,
    });
    expect(report.verified).toBe(true);
    expect(board.droppedFrames).toBe(0);
    expect(sameBytes(board.flash.read(0x10000, image.length), image)).toBe(true);
    await backend.disconnect();
  },
  30_000,
);
