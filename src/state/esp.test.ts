import { describe, expect, it } from 'vitest';
import { SparseData } from '../core/memory/sparse-data';
import type { EspChipInfo, EspFlashOptions, FirmwarePart } from '../../workers/device/esp/esp-api';
import type { EspClient } from './esp-client';
import { EspState, partsOf } from './esp.svelte';
import { LogState } from './log.svelte';
import { planImage, regionChoices } from './operation-plan';

const CHIP: EspChipInfo = {
  chip: 'ESP32',
  description: 'ESP32-D0WD-V3 (revision v3.1)',
  features: ['Wi-Fi'],
  crystalMHz: 40,
  mac: '24:0a:c4:00:00:01',
  flashId: 0x1640ef,
  flashSize: 0x400000,
  baud: 921600,
  imageChipId: 0,
  bootloaderOffset: 0x1000,
  blockSize: 0x4000,
};
const REGIONS = [
  {
    name: 'Flash',
    base: 0,
    size: 0x400000,
    eraseSize: 0x1000,
    writeSize: 4,
    fill: 0xff,
    kind: 'flash' as const,
  },
];

function image(chipId: number, flashCode = 2): Uint8Array {
  const b = new Uint8Array(0x100);
  b[0] = 0xe9;
  b[3] = (flashCode << 4) | 0x0f;
  b[12] = chipId;
  return b;
}

function fakeClient() {
  const calls: string[] = [];
  let flashed: { parts: FirmwarePart[]; options: EspFlashOptions } | undefined;
  const client = {
    espConfigure: async (_id: string, o: { baud?: number }) => void calls.push(`configure ${o.baud}`),
    espChipInfo: async () => CHIP,
    espFlashParts: async (_id: string, parts: FirmwarePart[], options: EspFlashOptions = {}) => {
      flashed = { parts, options };
      calls.push('flash');
      return {
        report: { bytesWritten: 256, erasedBlocks: 1, skippedBlocks: 0, verified: true },
        warnings: [],
        map: [],
        elapsedMs: 5,
      };
    },
    espMonitorStart: async () => void calls.push('monitor start'),
    espMonitorStop: async () => void calls.push('monitor stop'),
    espMonitorSend: async () => undefined,
    espReset: async () => undefined,
  } as unknown as EspClient;
  return { client, calls, flashed: () => flashed };
}

const plan = (data: SparseData) => planImage(data, regionChoices(REGIONS, data, {}));

describe('EspState as a device flow', () => {
  it('shows the ESP flash as the memory map: the connected size, 16 MiB before', () => {
    const esp = new EspState(fakeClient().client, new LogState());
    expect(esp.layout(undefined)).toMatchObject({ name: 'ESP flash (16 MiB)' });
    const layout = esp.layout({
      target: { name: 'ESP32', additional: [] },
      regions: REGIONS,
      programmer: { name: 'CP210x', serial: '', connected: true, type: 'esp' },
    });
    expect(layout.name).toBe('ESP32 flash (4 MiB)');
    expect(layout.regions.map((r) => [r.name, r.size])).toEqual([['Flash', 0x400000]]);
  });

  it('applies the baud before connecting and connects again after the monitor ran the application', async () => {
    const { client, calls } = fakeClient();
    const esp = new EspState(client, new LogState());
    esp.baud = 460800;
    expect(await esp.beforeConnect('esp:1')).toBe(false);
    await esp.afterFlash('esp:1');
    expect(esp.monitoring).toBe(true);
    expect(await esp.beforeConnect('esp:1')).toBe(true);
    expect(esp.monitoring).toBe(false);
    expect(calls).toEqual(['configure 460800', 'monitor start', 'monitor stop', 'configure 460800']);
  });

  it('refuses an image header naming another chip or a bigger flash', async () => {
    const esp = new EspState(fakeClient().client, new LogState());
    const s3 = SparseData.from([{ address: 0x10000, data: image(9) }]);
    const big = SparseData.from([{ address: 0x10000, data: image(0, 4) }]);
    const ok = SparseData.from([{ address: 0x10000, data: image(0) }]);
    expect(await esp.refusals('esp:1', plan(s3), 'app.bin')).toEqual([
      {
        key: 'esp-header',
        text: 'app.bin at 0x00010000 is built for the ESP32-S3 (image chip id 9), but this board is an ESP32 (chip id 0).',
      },
    ]);
    expect((await esp.refusals('esp:1', plan(big), 'big.bin'))[0].text).toContain(
      'expects 16 MiB of flash; the board has 4 MiB',
    );
    expect(await esp.refusals('esp:1', plan(ok), 'ok.bin')).toEqual([]);
  });

  it('writes the plan’s segments as parts, with erase-all when chosen', async () => {
    const fake = fakeClient();
    const esp = new EspState(fake.client, new LogState());
    esp.eraseAll = true;
    const data = SparseData.from([
      { address: 0x1000, data: image(0) },
      { address: 0x10000, data: image(0) },
    ]);
    const p = plan(data);
    expect(partsOf(p, 'fw.bin').map((x) => [x.name, x.address])).toEqual([
      ['fw.bin (part at 0x1000)', 0x1000],
      ['fw.bin (part at 0x10000)', 0x10000],
    ]);
    const result = await esp.write({
      deviceId: 'esp:1',
      plan: p,
      cancellable: (start) => start(7, () => undefined),
      confirm: async () => true,
    });
    expect(result.report?.verified).toBe(true);
    expect(fake.flashed()!.options).toMatchObject({ allowWrites: true, eraseAll: true, callId: 7 });
    expect(fake.flashed()!.parts.map((x) => x.address)).toEqual([0x1000, 0x10000]);
  });

  it('sets the link baud on the device at once, for its next connect', async () => {
    const { client, calls } = fakeClient();
    const esp = new EspState(client, new LogState());
    await esp.setBaud('esp:1', 115200);
    expect(esp.baud).toBe(115200);
    expect(calls).toEqual(['configure 115200']);
  });
});
