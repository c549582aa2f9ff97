/**
 * The compressed writer keeps a second packet in flight only where the stub can take it: the
 * simulated stub's two frame buffers never overflow, on a board whose host acts in wall time
 * ('real' latency, sped up) at a baud where one block's wire time is shorter than a background
 * block erase (921600) and at one where it is longer (460800), and in 'zero' latency mode behind
 * each bridge; and where it does send a block early, that pays.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createSimulatedEspBoard } from '../../../src/sim/esp/board';
import { halfIncompressibleImage, sameBytes, sectorMixedImage } from '../../../src/sim/esp/test-helpers';
import { writeRanges } from './deflate-writer';
import { EspLink } from './esp-link';
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

/**
 * In 'zero' latency mode the host acts when it has the data it acts on, so a block sent before
 * the previous reply really travels behind the previous block: the stub would lose it if the
 * writer misjudged its work. Both image layouts, every bridge, at the fastest baud.
 */
describe.each(['cp2102', 'ch340', 'ft232r'] as const)('%s at 921600 baud', (usb) => {
  test.each([
    ['mixed by sector', sectorMixedImage],
    ['as two halves', halfIncompressibleImage],
  ])(
    '1 MiB half incompressible (%s): no frame lost, written and verified',
    async (_, make) => {
      const data = make();
      const { board, backend } = espRig({ chip: 'esp32', usb }, { baud: 921600 });
      await backend.connect();
      const report = await backend.flash(flashImage(0x400000, [{ address: 0x10000, data }]), {
        allowWrites: true,
      });
      expect(report.verified).toBe(true);
      expect(board.droppedFrames).toBe(0);
      expect(sameBytes(board.flash.read(0x10000, data.length), data)).toBe(true);
      await backend.disconnect();
    },
    120_000,
  );
});

test('behind an FT232R, the second block in flight hides the latency timer once the erase is done', async () => {
  const data = sectorMixedImage();
  const seconds = async (inFlight: number): Promise<number> => {
    const board = createSimulatedEspBoard({ chip: 'esp32', usb: 'ft232r' });
    const link = await EspLink.open(board.port, { baud: 921600 });
    const t0 = board.clock.now();
    await writeRanges(link.channel, [{ address: 0x10000, data }], {
      skipUnchanged: false,
      baud: 921600,
      inFlight,
    });
    const elapsed = board.clock.now() - t0;
    expect(board.droppedFrames).toBe(0);
    await link.close();
    return elapsed;
  };
  const one = await seconds(1);
  const two = await seconds(2);
  // About half of the 33 blocks go out behind the previous one, each saving up to one 16 ms
  // latency-timer wait and a 1 ms USB frame.
  expect(two).toBeLessThan(one - 0.1);
}, 120_000);
