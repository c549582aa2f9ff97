import { describe, expect, it } from 'vitest';
import { flashRegion } from '../core/memory/region';
import type { DeviceConnection, DeviceSummary } from '../../workers/device/device-api';
import { deviceTitle, identityLines } from './devices-identity';

const probe: DeviceSummary = {
  id: 'usb:0d28:0204:0740',
  type: 'cmsis-dap',
  name: 'DAPLink CMSIS-DAP',
  serial: '07400000',
  simulated: false,
  connected: false,
};

const connection: DeviceConnection = {
  target: { name: 'STM32F411', additional: [] },
  regions: [flashRegion('Flash', 0x0800_0000, 512 * 1024, 128 * 1024)],
  programmer: {
    name: 'DAPLink CMSIS-DAP',
    serial: '07400000',
    connected: true,
    type: 'cmsis-dap',
    firmware: '0257',
  },
};

describe('device identity', () => {
  it('shows the probe before connecting and the chip and regions after', () => {
    expect(deviceTitle(probe)).toBe('DAPLink CMSIS-DAP');
    expect(identityLines(probe).map((l) => l.key)).toEqual(['probe', 'serial']);
    const lines = identityLines(probe, connection);
    expect(lines.map((l) => `${l.label}: ${l.value}`)).toEqual([
      'Probe: DAPLink CMSIS-DAP',
      'Firmware: DAPLink 0257',
      'Serial: 07400000',
      'Chip: STM32F411',
      'Flash: 512 KiB',
      'Flash: 0x08000000–0x0807FFFF · 512 KiB, blocks of 128 KiB',
    ]);
  });

  it('gives the program flash as the chip is sold, each region on its own line', () => {
    const nrf52833: DeviceConnection = {
      ...connection,
      target: { name: 'nRF52833', additional: [] },
      regions: [flashRegion('Code Flash', 0, 512 * 1024, 4096), flashRegion('UICR', 0x1000_1000, 1024, 1024)],
    };
    const lines = identityLines(probe, nrf52833).map((l) => `${l.label}: ${l.value}`);
    expect(lines).toContain('Flash: 512 KiB');
    expect(lines).toContain('Code Flash: 0x00000000–0x0007FFFF · 512 KiB, blocks of 4 KiB');
    expect(lines).toContain('UICR: 0x10001000–0x100013FF · 1 KiB, blocks of 1 KiB');
  });

  it('names a micro:bit by board version and friendly name', () => {
    const microbit = {
      ...probe,
      microbit: { boardId: 0x9904, version: 'V2' as const, name: 'micro:bit V2.00' },
    };
    expect(deviceTitle(microbit)).toBe('micro:bit V2.00');
    expect(deviceTitle(microbit, { ...connection, friendlyName: 'tupog' })).toBe('micro:bit V2.00 · tupog');
    const lines = identityLines(microbit, { ...connection, friendlyName: 'tupog' });
    expect(lines.find((l) => l.key === 'board')?.value).toBe('micro:bit V2.00 (board id 9904)');
    expect(lines.find((l) => l.key === 'name')?.value).toBe('tupog');
  });
});
