/**
 * What a USB-UART bridge costs, seen by a host sending raw SLIP frames: each write waits for a
 * USB frame, a short reply for the bridge's receive timeout (CP210x, CH340) or its latency timer
 * (FTDI, 16 ms by default), and long data leaves in whole packets as it arrives.
 */
import { describe, expect, test } from 'vitest';
import { Op, SYNC_PAYLOAD, u32le } from './protocol';
import { BRIDGE_TIMINGS, BridgeReceiver } from './usb-connection';
import { downloadMode } from './wire-harness';

describe('round trip of one READ_REG at 115200 baud', () => {
  const wire = (28 * 10) / 115200;
  test.each([
    ['cp2102', 0.001 + 0.0035, 0.001 + 0.0035],
    ['ch340', 0.001 + 0.0024, 0.001 + 0.0024],
    ['ft232r', 0.001, 0.001 + 0.016],
  ] as const)('%s adds its USB frame and flush delay', async (usb, least, most) => {
    const rom = await downloadMode('esp32', 115200, { usb });
    await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    const before = rom.board.clock.now();
    const [reply] = await rom.send(Op.READ_REG, u32le(0x40001000));
    const seconds = rom.board.clock.now() - before;
    expect(reply.value).toBe(0x00f01d83);
    expect(seconds).toBeGreaterThanOrEqual(wire + least - 1e-9);
    expect(seconds).toBeLessThanOrEqual(wire + most + 1e-9);
    await rom.close();
  });
});

describe('bridge receive side', () => {
  test('full packets leave as they fill; the rest after the receive timeout', () => {
    const bridge = new BridgeReceiver(BRIDGE_TIMINGS.ch340);
    const out = bridge.receive(new Uint8Array(70), 0, 0.07);
    expect(out.map((d) => d.bytes.length)).toEqual([32, 32, 6]);
    expect(out[0].at).toBeCloseTo(0.032, 9);
    expect(out[1].at).toBeCloseTo(0.064, 9);
    expect(out[2].at).toBeCloseTo(0.07 + 0.0024, 9);
  });

  test("FTDI: a short reply waits for the latency timer, which runs from the bridge's last packet", () => {
    const bridge = new BridgeReceiver(BRIDGE_TIMINGS.ft232r);
    expect(bridge.receive(new Uint8Array(12), 0.001, 0.002)[0].at).toBeCloseTo(0.016, 9);
    expect(bridge.receive(new Uint8Array(12), 0.02, 0.021)[0].at).toBeCloseTo(0.032, 9);
    expect(bridge.receive(new Uint8Array(12), 0.1, 0.101)[0].at).toBeCloseTo(0.112, 9);
  });

  test('FTDI: bytes that arrive before a latency-timer transfer already due leave with it', () => {
    const bridge = new BridgeReceiver(BRIDGE_TIMINGS.ft232r);
    // A reply at 8 ms waits for the tick at 16 ms; a second one in the buffer by then goes too.
    expect(bridge.receive(new Uint8Array(12), 0.007, 0.008)[0].at).toBeCloseTo(0.016, 9);
    expect(bridge.receive(new Uint8Array(12), 0.014, 0.015)[0].at).toBeCloseTo(0.016, 9);
    // One that arrives after that transfer waits for the next tick.
    expect(bridge.receive(new Uint8Array(12), 0.017, 0.018)[0].at).toBeCloseTo(0.032, 9);
  });
});
