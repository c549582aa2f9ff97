/**
 * The device worker's service as the page and the Lua worker reach it: over a MessageChannel
 * through comlink, with simulation turned on. Errors keep their codes across; progress
 * callbacks inside option objects arrive; the flash really lands in the simulated chip.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseIntelHex } from '../../src/core/formats';
import type { ProgressEvent } from '../../src/core/progress';
import { nodeUsbBackend } from './cmsis-dap/testing/sim-backend';
import { serviceRig } from './testing';

const { device, close } = serviceRig({
  sources: {
    // Deadlines on the simulated probe's modeled clock, as the device worker sets them.
    usbBackend: nodeUsbBackend,
  },
});
afterAll(close);

const hex = readFileSync(
  join(process.cwd(), '..', 'shared', 'fixtures', 'microbit', 'micropython-v2.1.2.hex'),
  'utf8',
);

/** Per-test limit: each test flashes MicroPython (seconds of CPU idle, 20 s and more when busy). */
const LIMIT_MS = 300_000;

describe('the device worker service (comlink, simulation on)', { timeout: LIMIT_MS }, () => {
  it('plugs a simulated micro:bit, identifies it, flashes the V2 hex with progress, and reads it back', async () => {
    const id = await device.plugSimulated('microbit-v2', { latency: 'zero', deviceId: 1740 });
    const listed = await device.listDevices();
    expect(listed).toContainEqual(
      expect.objectContaining({
        id,
        type: 'cmsis-dap',
        simulated: true,
        microbit: expect.objectContaining({ version: 'V2' }),
      }),
    );

    const connection = await device.connectDevice(id);
    expect(connection.target.name).toMatch(/nRF52833/);
    const data = parseIntelHex(hex);
    const image = {
      regions: connection.regions,
      segments: data.segments().map((s) => ({ address: s.address, data: s.data })),
    };

    const events: ProgressEvent[] = [];
    const result = await device.backendCall(
      id,
      'flash',
      { image },
      { allowWrites: true, onProgress: (e) => void events.push(e) },
    );
    expect(result.report).toMatchObject({ verified: true, skippedBlocks: 0 });
    // Progress travels on its own MessagePort: it may land just after the result.
    await vi.waitFor(() =>
      expect(events.some((e) => e.kind === 'finished' && e.operation === 'Verify')).toBe(true),
    );
    expect(events[0]).toMatchObject({ kind: 'started', operation: 'Flash' });

    const read = await device.backendCall(id, 'read_segment', { image, address: 0x1c000, size: 256 });
    const back = read.image!.segments.find(
      (s) => s.address <= 0x1c000 && s.address + s.data.length >= 0x1c100,
    )!;
    expect(back.data.subarray(0x1c000 - back.address, 0x1c000 - back.address + 256)).toEqual(
      data.read(0x1c000, 256),
    );

    await expect(
      device.backendCall(id, 'read_segment', { image, address: 0x1c002, size: 8 }),
    ).rejects.toMatchObject({
      name: 'WebProgError',
      code: 'ADDRESS_MISALIGNED',
      address: 0x1c002,
    });
    await device.unplugSimulated(id);
    await expect(device.backendCall(id, 'verify', { image })).rejects.toMatchObject({ code: 'DEVICE_LOST' });
  });

  it('cancels a running flash through cancel(callId); the device stays usable', async () => {
    const id = await device.plugSimulated('microbit-v2', { latency: 'zero', deviceId: 99 });
    const { regions } = await device.connectDevice(id);
    const data = parseIntelHex(hex);
    const image = { regions, segments: data.segments().map((s) => ({ address: s.address, data: s.data })) };
    let cancelled = false;
    const flashing = device.backendCall(
      id,
      'flash',
      { image },
      {
        allowWrites: true,
        callId: 4242,
        onProgress: (e) => {
          if (!cancelled && e.kind === 'progress') {
            cancelled = true;
            void device.cancel(4242);
          }
        },
      },
    );
    await expect(flashing).rejects.toMatchObject({ code: 'CANCELLED' });
    const again = await device.backendCall(id, 'flash', { image }, { allowWrites: true });
    expect(again.report?.verified).toBe(true);
  });
});
