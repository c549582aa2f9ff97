/**
 * Stop during an ESP erase or flash: the CANCELLED error says which sectors were changed (or
 * that the chip was erased), checked against the simulated board's flash.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { CancelSignal } from '../../../src/core/errors';
import { rejection } from '../../../src/core/testing/thrown';
import { randomBytes, sameBytes } from '../../../src/sim/esp/test-helpers';
import { espRig } from './testing';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

const SECTOR = 0x1000;
const SIZE = 0x40000;
const old = randomBytes(SIZE, 7);

/** A connected ESP32-C3 whose first 256 KiB hold `old`. */
async function programmed() {
  const rig = espRig({ chip: 'esp32c3', flashSize: 0x100000 });
  rig.board.flash.load(0, old);
  await rig.backend.connect();
  const sector = (n: number) => rig.board.flash.read(n * SECTOR, SECTOR);
  const erased = (n: number) => sector(n).every((b) => b === 0xff);
  return { ...rig, sector, erased };
}

/** A signal that aborts once `when` holds. */
function abortWhen(when: () => boolean): CancelSignal {
  let aborted = false;
  return {
    get aborted() {
      aborted ||= when();
      return aborted;
    },
  };
}

test('erase_segment: Stop midway names exactly the sectors erased', async () => {
  const { backend, erased } = await programmed();
  // Stop is pressed while the second 64 KiB chunk is erased.
  const signal = abortWhen(() => erased(0x10));
  const error = await rejection(backend.eraseSegment(0, SIZE, { allowWrites: true, signal }));
  expect(error.code).toBe('CANCELLED');
  expect(error.changes?.massErased).toBe(false);
  const listed = new Set(error.changes!.blocks.map((b) => b.address / SECTOR));
  expect(listed.size).toBe(0x20);
  for (let n = 0; n < SIZE / SECTOR; n++) expect(erased(n)).toBe(listed.has(n));
  expect(error.message).toContain('Before it stopped, 32 erase blocks (0x00000000..0x0001FFFF)');
}, 60_000);

test('flash: Stop midway lists the sectors being written; every other sector is untouched', async () => {
  const { backend, sector } = await programmed();
  const fresh = randomBytes(SIZE, 8);
  const signal = abortWhen(() => sameBytes(sector(0x11), fresh.subarray(0x11 * SECTOR, 0x12 * SECTOR)));
  const error = await rejection(
    backend.flashParts([{ address: 0, data: fresh }], { allowWrites: true, signal }),
  );
  expect(error.code).toBe('CANCELLED');
  const listed = new Set(error.changes!.blocks.map((b) => b.address / SECTOR));
  expect(listed.has(0x11)).toBe(true);
  for (let n = 0; n < SIZE / SECTOR; n++) {
    if (!listed.has(n)) expect(sector(n)).toEqual(old.subarray(n * SECTOR, (n + 1) * SECTOR));
  }
}, 60_000);

test('flash with a chip erase first: Stop right after the erase reports it', async () => {
  const { backend, erased } = await programmed();
  const signal = abortWhen(() => erased(0x3f));
  const error = await rejection(
    backend.flashParts(
      [{ address: 0, data: randomBytes(SECTOR, 9) }],
      { allowWrites: true, signal },
      { eraseAll: true },
    ),
  );
  expect(error.code).toBe('CANCELLED');
  expect(error.changes).toEqual({ massErased: true, blocks: [] });
  expect(error.message).toContain('the whole chip was erased');
}, 60_000);
