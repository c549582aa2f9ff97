/**
 * The ESP backend against the simulated ESP32, ESP32-S3 and ESP32-C3: detection, three-part
 * builds, verify and read-back, skip-unchanged re-flashes, segment alignment, the monitor.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { sameBytes } from '../../../src/sim/esp/test-helpers';
import { ESP_FLASH_REGION } from './esp-backend';
import { espRig, flashImage, threePartBuild } from './testing';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

const CHIPS = [
  { chip: 'esp32', name: 'ESP32', bootloader: 0x1000, id: 0 },
  { chip: 'esp32s3', name: 'ESP32-S3', bootloader: 0, id: 9 },
  { chip: 'esp32c3', name: 'ESP32-C3', bootloader: 0, id: 5 },
] as const;

describe.each(CHIPS)('$name', ({ chip, name, bootloader, id }) => {
  test('detects the chip, flashes a three-part build, verifies, reads back, re-flashes nothing', async () => {
    const { board, backend, clock } = espRig({ chip, appOutput: `hello from ${name}\n` });
    const connected = await backend.connect({ clock });
    expect(connected.target.name).toBe(name);
    expect(connected.regions).toEqual([
      expect.objectContaining({ name: ESP_FLASH_REGION, base: 0, size: 0x400000, eraseSize: 0x1000 }),
    ]);
    expect(connected.target.additional.join('\n')).toMatch(/MAC [0-9a-f:]{17}/);
    expect(backend.chipInfo?.baud).toBe(921600);

    const parts = threePartBuild(bootloader, id);
    const t0 = board.clock.now();
    const first = await backend.flashParts(parts, { allowWrites: true, clock });
    const firstSeconds = board.clock.now() - t0;
    expect(first.verified).toBe(true);
    expect(first.bytesWritten).toBeGreaterThan(0);
    for (const p of parts) expect(sameBytes(board.flash.read(p.address, p.data.length), p.data)).toBe(true);

    const image = flashImage(0x400000, parts);
    await backend.verify(image, { clock });
    const readBack = flashImage(0x400000);
    await backend.readSegment(readBack, 0x10000, 0x30124, { clock });
    expect(sameBytes(readBack.readAt(0x10000, parts[2].data.length), parts[2].data)).toBe(true);

    const t1 = board.clock.now();
    const again = await backend.flashParts(parts, { allowWrites: true, clock });
    const againSeconds = board.clock.now() - t1;
    expect(again.bytesWritten).toBe(0);
    expect(again.verified).toBe(true);
    expect(againSeconds).toBeLessThan(firstSeconds * 0.1);

    const output: number[] = [];
    await backend.startMonitor(115200, (bytes) => output.push(...bytes));
    await vi.waitFor(() =>
      expect(new TextDecoder().decode(Uint8Array.from(output))).toContain(`hello from ${name}`),
    );
    expect(backend.isConnected()).toBe(false);
    await backend.stopMonitor();
  }, 30_000);
});
