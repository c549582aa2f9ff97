import { describe, expect, it } from 'vitest';
import type { DeviceView } from './devices.svelte';
import { runContextOf } from './script-run-context';

const microbit = {
  summary: {
    id: 'sim:1',
    type: 'cmsis-dap',
    name: 'BBC micro:bit CMSIS-DAP',
    serial: '9904',
    simulated: true,
    connected: true,
  },
  session: {
    status: 'connected',
    connection: {
      target: { name: 'nRF52833 (micro:bit V2)', additional: [] },
      regions: [],
      programmer: { name: 'DAPLink', serial: '9904', connected: true, type: 'cmsis-dap' },
    },
  },
  title: 'micro:bit V2.00 · tupog',
  identity: [],
} as unknown as DeviceView;

describe('runContextOf', () => {
  it("names the connected chip, the device's backend and the file shown, as mp.config keys", () => {
    expect(runContextOf({ device: microbit, fileName: 'blinky.hex' })).toEqual({
      deviceName: 'micro:bit V2.00 · tupog',
      config: { target: 'nRF52833', programmer: 'cmsis-dap', file_path: 'blinky.hex', region_index: 0 },
    });
  });

  it('leaves out what is not selected or not connected', () => {
    expect(runContextOf({ device: undefined, fileName: undefined })).toEqual({
      deviceName: undefined,
      config: {},
    });
    const idle = { ...microbit, session: { status: 'idle' } } as DeviceView;
    expect(runContextOf({ device: idle, fileName: undefined }).config).toEqual({ programmer: 'cmsis-dap' });
  });
});
