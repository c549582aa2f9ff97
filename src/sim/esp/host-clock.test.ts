/**
 * The host's modeled time in 'zero' latency mode is causal: a host acts at the time of the
 * latest data it has received, not at that of a reply still on its way to it. A host that sends
 * a second request before reading the reply to the first is modeled as sending it right away
 * (it follows the first on the wire), as on hardware; one that waits for the reply pays the
 * round trip.
 */
import { expect, test } from 'vitest';
import { Op, SYNC_PAYLOAD, u32le } from './protocol';
import { downloadMode } from './wire-harness';
import { BRIDGE_TIMINGS } from './usb-connection';
import { lineSeconds } from './wire-clock';

const REG = 0x40001000;

test('two requests in flight cost one bridge round trip, two sequential ones two', async () => {
  const rom = await downloadMode('esp32', 115200, { usb: 'cp2102' });
  await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
  const request = lineSeconds(8 + 4 + 2, 115200);
  const bridge = BRIDGE_TIMINGS.cp2102;

  let t0 = rom.board.clock.now();
  await rom.send(Op.READ_REG, u32le(REG));
  await rom.send(Op.READ_REG, u32le(REG));
  const sequential = rom.board.clock.now() - t0;

  t0 = rom.board.clock.now();
  await rom.write(Op.READ_REG, u32le(REG));
  await rom.write(Op.READ_REG, u32le(REG));
  const replies = await rom.collect(2);
  const pipelined = rom.board.clock.now() - t0;

  expect(replies.map((r) => r.value)).toEqual([0x00f01d83, 0x00f01d83]);
  // Sequential: each request waits for a USB frame and for the reply's receive timeout.
  expect(sequential).toBeGreaterThanOrEqual(
    2 * (bridge.hostWriteSeconds + request + bridge.flushSeconds) - 1e-9,
  );
  // In flight together: the second request follows the first on the wire; one USB frame and one
  // receive timeout (plus the two replies' own wire time) for both.
  expect(pipelined).toBeLessThan(bridge.hostWriteSeconds + 2 * request + bridge.flushSeconds + 0.003);
  expect(pipelined).toBeLessThan(0.75 * sequential);
  await rom.close();
});
