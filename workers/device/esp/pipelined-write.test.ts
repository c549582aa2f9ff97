/**
 * The compressed writer keeps a second packet in flight only where the stub can take it: on a
 * board whose host acts in wall time ('real' latency, sped up), the simulated stub's two frame
 * buffers never overflow, at a baud where one block's wire time is shorter than a background
 * block erase (921600) and at one where it is longer (460800).
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { halfIncompressibleImage, sameBytes } from '../../../src/sim/esp/test-helpers';
import { espRig, flashImage } from './testing';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

test.each([921600, 460800])(
  'no frame is lost by the stub at %i baud',
  async (baud) => {
    const { board, backend, clock } = espRig({ chip: 'esp32', latency: 'real', timeScale: 8 }, { baud });
    await backend.connect({ clock });
    // 256 KiB of random bytes, then 256 KiB of text: blocks inflate to 16 KiB, then to far more.
    const data = halfIncompressibleImage().subarray(0x40000, 0xc0000);
    const report = await backend.flash(flashImage(0x400000, [{ address: 0x10000, data }]), {
      allowWrites: true,
      clock,
    });
    expect(report.verified).toBe(true);
    expect(board.droppedFrames).toBe(0);
    expect(sameBytes(board.flash.read(0x10000, data.length), data)).toBe(true);
    await backend.disconnect();
  },
  60_000,
);
