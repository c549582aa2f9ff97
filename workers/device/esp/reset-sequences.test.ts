/**
 * The backend's reset into download mode against boards with EN's RC delay: esptool's
 * UnixTightReset and its ClassicReset sent one line per call (as on Windows) each work alone,
 * and the backend's connect, which alternates them with 50 ms and 550 ms IO0 delays, also
 * reaches a board with a 10 µF EN capacitor.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { Transport } from 'esptool-js';
import { createSimulatedEspBoard } from '../../../src/sim/esp/board';
import { ClassicResetSeparateLines, UnixTightReset } from './reset-sequences';
import { espRig } from './testing';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

describe.each([
  ['UnixTightReset', (t: Transport, delay: number) => new UnixTightReset(t.device, delay)],
  [
    'ClassicReset, one line per call',
    (t: Transport, delay: number) => new ClassicResetSeparateLines(t, delay),
  ],
] as const)('%s', (_name, make) => {
  test('puts an ESP32 DevKit (1 µF on EN) into download mode', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32' });
    const transport = new Transport(board.port as unknown as SerialPort, false);
    await transport.connect(115200);
    await make(transport, 50).reset();
    await board.enSettled();
    expect(board.mode).toBe('download');
    await transport.disconnect();
  });
});

test.each([1e-6, 10e-6])(
  'the backend connects to an ESP32 with %f F on EN',
  async (farads) => {
    const { board, backend } = espRig({ chip: 'esp32', enCapacitanceFarads: farads });
    const connected = await backend.connect();
    expect(connected.target.name).toBe('ESP32');
    expect(board.mode).toBe('stub');
    await backend.disconnect();
  },
  20_000,
);

test('the reset into the application works through the RC delay', async () => {
  const { board, backend } = espRig({ chip: 'esp32' });
  await backend.connect();
  await backend.resetToApp();
  await board.enSettled();
  expect(board.mode).toBe('app');
});
