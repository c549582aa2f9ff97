import { describe, expect, it, vi } from 'vitest';
import { RA_BOARD_GUIDES, RaState, idCodeProblem } from './ra.svelte';

describe('RaState (Renesas RA in the Flash flow)', () => {
  it('hands a valid ID code to the next connect of the device, and clears it again', () => {
    const setConnectOptions = vi.fn();
    const ra = new RaState({ setConnectOptions });
    ra.setIdCode('serial:045b:0261:1', '00112233 44556677 8899AABB CCDDEEFF');
    expect(setConnectOptions).toHaveBeenLastCalledWith('serial:045b:0261:1', {
      idCode: '00112233445566778899AABBCCDDEEFF',
    });
    ra.setIdCode('serial:045b:0261:1', '0011');
    expect(ra.idCodeProblem).toBe('16 bytes are 32 hex digits; this has 4.');
    expect(setConnectOptions).toHaveBeenLastCalledWith('serial:045b:0261:1', undefined);
  });

  it('says what is wrong with an ID code', () => {
    expect(idCodeProblem('')).toBeUndefined();
    expect(idCodeProblem('zz')).toBe('Only hex digits 0-9 and A-F.');
    expect(idCodeProblem('0x' + 'ab'.repeat(16))).toBeUndefined();
  });

  it('shows the chip areas, an RA4M1 until connected, and boot-mode steps per board', () => {
    const ra = new RaState({ setConnectOptions: () => undefined });
    expect(ra.layout(undefined).regions.map((r) => r.name)).toEqual(['Code Flash', 'Data Flash']);
    expect(new Set(RA_BOARD_GUIDES.map((g) => g.kind))).toEqual(
      new Set(['uno-r4-minima', 'uno-r4-wifi', 'ek-ra', 'bare']),
    );
    ra.board = 'ek-ra';
    expect(ra.guide.steps.join(' ')).toMatch(/MD pin/);
    // Arduino's UNO_R4 bootloader README: BOOT to GND on the Minima, 2400 baud on the WiFi's bridge.
    ra.board = 'uno-r4-minima';
    expect(ra.guide.steps.join(' ')).toMatch(/BOOT pin .*IOREF.* to GND/);
    expect(ra.guide.steps.join(' ')).toMatch(/0x4000/);
    ra.board = 'uno-r4-wifi';
    expect(ra.guide.steps.join(' ')).toMatch(/2400 baud/);
  });

  it('marks a USB-UART as an RA chip and back through the worker, with the problem in words', async () => {
    const calls: [string, boolean][] = [];
    const logged: string[] = [];
    const ra = new RaState(
      { setConnectOptions: () => undefined },
      {
        raMarkPort: async (id: string, isRa: boolean) => {
          if (id === 'busy') throw new Error('Disconnect first: the port is in use by a connected device.');
          calls.push([id, isRa]);
        },
      },
      { info: (m: string) => void logged.push(m) },
    );
    await ra.useAsRa('serial-1');
    await ra.useAsEsp('serial-1');
    expect(calls).toEqual([
      ['serial-1', true],
      ['serial-1', false],
    ]);
    expect(logged[0]).toMatch(/RA chip in boot mode/);
    await ra.useAsRa('busy');
    expect(ra.error).toMatch(/Disconnect first/);
    // Without a device worker the call is refused in words, never silently.
    const alone = new RaState({ setConnectOptions: () => undefined });
    await alone.useAsRa('serial-1');
    expect(alone.error).toMatch(/Not Supported/);
  });

  it('choosing the Uno R4 WiFi for a USB-UART asks the worker for the bridge entry; another board for none', async () => {
    const calls: unknown[][] = [];
    const logged: string[] = [];
    const ra = new RaState(
      { setConnectOptions: () => undefined },
      { raMarkPort: async (...args: unknown[]) => void calls.push(args) },
      { info: (m: string) => void logged.push(m) },
    );
    const marked: unknown[][] = [];
    ra.onMarked = (...args) => void marked.push(args);
    await ra.chooseBoard('uno-r4-wifi', 'serial:0403:6001:1');
    expect(ra.board).toBe('uno-r4-wifi');
    expect(ra.guide.steps.join(' ')).toMatch(/2400 baud/);
    expect(ra.guide.steps.join(' ')).toMatch(/unplug the USB cable and plug it in again/);
    await ra.chooseBoard('bare', 'serial:0403:6001:1');
    // Without a device (or on the chip's own USB port) only the steps change.
    await ra.chooseBoard('ek-ra');
    expect(calls).toEqual([
      ['serial:0403:6001:1', true, 'uno-r4-wifi'],
      ['serial:0403:6001:1', true, 'none'],
    ]);
    // Each marking the worker took is handed on to be kept across reloads.
    expect(marked).toEqual([
      ['serial:0403:6001:1', { kind: 'ra', entry: 'uno-r4-wifi' }],
      ['serial:0403:6001:1', { kind: 'ra', entry: 'none' }],
    ]);
    await ra.useAsEsp('serial:0403:6001:1');
    expect(marked.at(-1)).toEqual(['serial:0403:6001:1', { kind: 'esp' }]);
    expect(logged[0]).toMatch(/2400 baud/);
    expect(logged[1]).toMatch(/does not put the chip into boot mode/);
  });
});
