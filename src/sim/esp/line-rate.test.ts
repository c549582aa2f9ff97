/**
 * A real-size image through esptool-js and the simulated ESP32: the modeled time of a 1 MiB
 * compressed write (half incompressible) must respect the serial line's limit
 * (compressed bytes × 10 / baud). It may exceed that limit only by protocol overhead (SLIP
 * escapes, headers, replies: a few percent) plus flash work the stub's double buffering cannot
 * hide: at most the whole erase + program time of the image (the compressible half arrives in
 * the last blocks and inflates to 512 KiB that must be written after the wire falls idle).
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { deflate } from 'pako';
import { createSimulatedEspBoard } from './board';
import { connectEsptool, halfIncompressibleImage, sameBytes, writeFlashOptions } from './test-helpers';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

test.each([921600, 460800])('1 MiB compressed write at %i baud respects the line rate', async (baud) => {
  const board = createSimulatedEspBoard({ chip: 'esp32' });
  const { loader, transport, output } = connectEsptool(board, baud);
  await loader.main();
  const image = halfIncompressibleImage();
  const compressed = deflate(image, { level: 9 }).length;
  const limit = (compressed * 10) / baud;
  const start = board.clock.now();
  await loader.writeFlash(writeFlashOptions(image, 0x10000, true));
  const modeled = board.clock.now() - start;
  expect(output).toContain('Hash of data verified.');
  expect(sameBytes(board.flash.read(0x10000, image.length), image)).toBe(true);
  expect(compressed).toBeGreaterThan(0x80000);
  expect(modeled).toBeGreaterThanOrEqual(limit);
  const flash = board.flash.timings;
  const flashWork = (image.length / 0x10000) * flash.blockErase + (image.length / 256) * flash.pageProgram;
  expect(modeled).toBeLessThan(limit * 1.03 + flashWork);
  await transport.disconnect();
});
