/**
 * Faults on the simulated ESP32: each gives a clear error, and the next attempt succeeds.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { sameBytes } from '../../../src/sim/esp/test-helpers';
import { espRig, flashImage, threePartBuild } from './testing';
import { rejection } from '../../../src/core/testing/thrown';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

const parts = threePartBuild(0x1000, 0);

function written(board: ReturnType<typeof espRig>['board']): boolean {
  return parts.every((p) => sameBytes(board.flash.read(p.address, p.data.length), p.data));
}

test('unplugged mid-write: DEVICE_LOST, then plugged back in the next flash succeeds', async () => {
  const { board, backend } = espRig({ chip: 'esp32' });
  await backend.connect();
  board.faults.unplugAfter('to-device', 60_000);
  const error = await rejection(backend.flashParts(parts, { allowWrites: true }));
  expect(error.code).toBe('DEVICE_LOST');
  expect(error.message).toMatch(/disconnected/);
  expect(backend.isConnected()).toBe(false);
  board.plug();
  const report = await backend.flashParts(parts, { allowWrites: true });
  expect(report.verified).toBe(true);
  expect(written(board)).toBe(true);
}, 20_000);

test('a board without auto-reset: instructions to hold BOOT and press RESET, then Retry works', async () => {
  const { board, backend } = espRig({ chip: 'esp32', autoReset: false });
  const error = await rejection(backend.connect());
  expect(error.code).toBe('BOOT_MODE_REQUIRED');
  expect(error.message).toMatch(/hold BOOT.*press and release RESET/);
  board.holdBoot(true);
  board.pressReset();
  await board.enSettled(); // EN's RC delay: keep BOOT held until the chip starts
  board.holdBoot(false);
  const connected = await backend.connect();
  expect(connected.target.name).toBe('ESP32');
}, 20_000);

test('corrupted bytes on the wire: the stub refuses the block, the operation is resent, data is right', async () => {
  const { board, backend } = espRig({ chip: 'esp32' });
  await backend.connect();
  board.faults.corrupt({ direction: 'to-device', after: 50_000, count: 2 });
  const report = await backend.flashParts(parts, { allowWrites: true });
  expect(report.verified).toBe(true);
  expect(written(board)).toBe(true);
}, 20_000);

test('a failed verify names the address; after the flash heals the next flash succeeds', async () => {
  const { board, backend } = espRig({ chip: 'esp32' });
  await backend.connect();
  board.flash.setWeakRange({ address: 0x12345, length: 8 });
  const error = await rejection(backend.flashParts(parts, { allowWrites: true }));
  expect(error.code).toBe('VERIFY_FAILED');
  expect(error.address).toBe(0x12345);
  expect(error.message).toContain('0x00012345');
  board.flash.setWeakRange(null);
  const report = await backend.flashParts(parts, { allowWrites: true });
  expect(report.verified).toBe(true);
  expect(report.bytesWritten).toBe(0x10000); // only the chunk that failed is written again
  expect(written(board)).toBe(true);
}, 20_000);

test('a chip that never changes baud: the link falls back to 115200 and still flashes', async () => {
  const { board, backend } = espRig({ chip: 'esp32' });
  board.faults.stuckBaud = true;
  await backend.connect();
  expect(backend.chipInfo?.baud).toBe(115200);
  board.faults.stuckBaud = false;
  const report = await backend.flash(flashImage(0x400000, parts.slice(1)), { allowWrites: true });
  expect(report.verified).toBe(true);
}, 30_000);

test('unplugged while the board is replying: DEVICE_LOST at once, not a TIMEOUT', async () => {
  const { board, backend } = espRig({ chip: 'esp32' });
  await backend.connect();
  board.faults.unplugAfter('to-host', 30);
  const error = await rejection(backend.flashParts(parts, { allowWrites: true }));
  // A TIMEOUT here would mean the loss went unseen until the 3 s reply timeout.
  expect(error.code).toBe('DEVICE_LOST');
  expect(error.message).toMatch(/disconnected/);
  expect(backend.isConnected()).toBe(false);
  board.plug();
  expect((await backend.flashParts(parts, { allowWrites: true })).verified).toBe(true);
}, 20_000);
