/**
 * EN's RC delay on a board with Espressif's auto-reset circuit, driven with raw DTR/RTS
 * sequences as esptool.py sends them (ClassicReset one line per call, as on Windows, and
 * UnixTightReset with both lines at once): a moment with EN released is not a reset.
 */
import { describe, expect, test } from 'vitest';
import { createSimulatedEspBoard } from './board';
import type { SimulatedEspBoard } from './board';
import { ResetCircuit, enRiseSeconds } from './reset-circuit';
import type { CircuitTimer } from './reset-circuit';
import { Op, SYNC_PAYLOAD } from './protocol';
import { SlipDecoder, slipEncode } from './slip';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A timer the test advances by hand. */
function manualTimer(): CircuitTimer & { advance(seconds: number): void } {
  let now = 0;
  const pending: { at: number; done: () => void }[] = [];
  return {
    schedule(seconds, done) {
      const item = { at: now + seconds, done };
      pending.push(item);
      return () => pending.splice(pending.indexOf(item), 1);
    },
    advance(seconds) {
      now += seconds;
      for (const item of pending.filter((p) => p.at <= now)) {
        pending.splice(pending.indexOf(item), 1);
        item.done();
      }
    },
  };
}

describe('EN rise time', () => {
  test('10 kΩ with 1 µF reaches 0.75 VDD after 13.9 ms, with 10 µF after 139 ms', () => {
    expect(enRiseSeconds(1e-6) * 1000).toBeCloseTo(13.86, 2);
    expect(enRiseSeconds(10e-6) * 1000).toBeCloseTo(138.6, 1);
  });

  test('ClassicReset one line per call: only the RC delay keeps the both-asserted moment from booting the app', () => {
    for (const rise of [0, enRiseSeconds()]) {
      const events: string[] = [];
      const timer = manualTimer();
      const c = new ResetCircuit(
        'auto',
        {
          enterReset: () => events.push('reset'),
          releaseReset: (d) => events.push(d ? 'download' : 'flash'),
        },
        rise,
        timer,
      );
      c.setSignals(false, undefined);
      c.setSignals(undefined, true); // EN low
      c.setSignals(true, undefined); // both asserted: EN released, IO0 high
      c.setSignals(undefined, false); // IO0 low
      timer.advance(0.05);
      c.setSignals(false, undefined);
      timer.advance(1);
      expect(events).toEqual(rise === 0 ? ['reset', 'flash'] : ['reset', 'download']);
    }
  });

  test('EN pulled low again while charging: the chip never starts in between', () => {
    const events: string[] = [];
    const timer = manualTimer();
    const c = new ResetCircuit(
      'auto',
      { enterReset: () => events.push('reset'), releaseReset: (d) => events.push(d ? 'download' : 'flash') },
      enRiseSeconds(),
      timer,
    );
    c.setSignals(false, true);
    c.setSignals(false, false);
    timer.advance(0.01);
    c.setSignals(false, true);
    timer.advance(0.1);
    expect(events).toEqual(['reset']);
    c.setSignals(false, false);
    timer.advance(0.014);
    expect(events).toEqual(['reset', 'flash']);
  });
});

/** Opens the board's port and collects everything it sends. */
async function open(board: SimulatedEspBoard) {
  const port = board.port;
  await port.open({ baudRate: 115200 });
  const reader = port.readable!.getReader();
  const received: number[] = [];
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || !value) return;
      received.push(...value);
    }
  })();
  const lines = (dtr?: boolean, rts?: boolean) =>
    port.setSignals({
      ...(dtr === undefined ? {} : { dataTerminalReady: dtr }),
      ...(rts === undefined ? {} : { requestToSend: rts }),
    });
  const text = () => String.fromCharCode(...received);
  const close = async () => {
    await reader.cancel();
    await pump;
    reader.releaseLock();
    await port.close();
  };
  return { port, lines, received, text, close };
}

/** esptool.py ClassicReset as Windows sends it: one line per call, RTS calls re-send DTR. */
async function classicReset(lines: (dtr?: boolean, rts?: boolean) => Promise<void>, delayMs: number) {
  await lines(false);
  await lines(undefined, true);
  await lines(false);
  await sleep(100);
  await lines(true);
  await lines(undefined, false);
  await lines(true);
  await sleep(delayMs);
  await lines(false);
}

/** esptool.py UnixTightReset: both lines at once. */
async function tightReset(lines: (dtr?: boolean, rts?: boolean) => Promise<void>, delayMs: number) {
  await lines(false, false);
  await lines(true, true);
  await lines(false, true);
  await sleep(100);
  await lines(true, false);
  await sleep(delayMs);
  await lines(false, false);
  await lines(false);
}

describe.each([
  ['ClassicReset (one line per call)', classicReset],
  ['UnixTightReset', tightReset],
] as const)('%s on an ESP32 DevKit', (_name, sequence) => {
  test('enters download mode without a flash boot on the way, and the ROM answers SYNC', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32' });
    const host = await open(board);
    await sequence(host.lines, 50);
    await board.enSettled();
    await sleep(5);
    expect(host.text()).toContain('waiting for download');
    expect(host.text()).not.toContain('SPI_FAST_FLASH_BOOT');
    expect(board.mode).toBe('download');
    host.received.length = 0;
    const writer = host.port.writable!.getWriter();
    await writer.write(slipEncode(Uint8Array.of(0, Op.SYNC, 36, 0, 0, 0, 0, 0, ...SYNC_PAYLOAD)));
    writer.releaseLock();
    await sleep(5);
    expect(new SlipDecoder().push(Uint8Array.from(host.received))).toHaveLength(8);
    await host.close();
  });

  test('with 10 µF on EN the 50 ms delay boots the app; the 550 ms retry enters download mode', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32', enCapacitanceFarads: 10e-6 });
    const host = await open(board);
    await sequence(host.lines, 50);
    await board.enSettled();
    expect(board.mode).toBe('app');
    await sequence(host.lines, 550);
    await board.enSettled();
    expect(board.mode).toBe('download');
    await host.close();
  });
});

test('opening the port (both lines asserted) leaves a running app alone; releasing DTR first resets it', async () => {
  // Opening the port raises both lines (EN high, IO0 high): no reset. Releasing them one at a
  // time passes through (0,1) = EN low, which does reset a running app, as on real boards.
  const board = createSimulatedEspBoard({ chip: 'esp32' });
  await sleep(1);
  expect(board.mode).toBe('app');
  const host = await open(board);
  expect(board.mode).toBe('app');
  await host.lines(false);
  expect(board.mode).toBe('reset');
  await host.lines(undefined, false);
  await board.enSettled();
  expect(board.mode).toBe('app');
  await host.close();
});
