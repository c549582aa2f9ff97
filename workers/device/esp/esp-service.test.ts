/**
 * The ESP API through the device worker's service (as the page calls it), on a simulated
 * ESP32-S3 plugged in by the simulation: flash a three-part build, re-flash, monitor output.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { WebProgError } from '../../../src/core/errors';
import { createDeviceService } from '../service';
import { createSimulation } from '../simulation-impl';
import { EspBackend } from './esp-backend';
import { threePartBuild } from './testing';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

function service() {
  return createDeviceService({
    sources: {
      usbBackend: () => {
        throw new WebProgError('NOT_SUPPORTED', 'Not Supported: no USB in this test.');
      },
      serialBackend: (port) => new EspBackend(port),
    },
    loadSimulation: async () => createSimulation(),
  });
}

test('flash parts, re-flash nothing, then the monitor shows the app booting', async () => {
  const worker = service();
  const id = await worker.plugSimulated('esp32s3', { latency: 'zero' });
  await worker.espConfigure(id, { baud: 460800 });
  const parts = threePartBuild(0, 9).map((p, i) => ({ ...p, name: `part${i}.bin` }));
  const events: string[] = [];
  const first = await worker.espFlashParts(id, parts, {
    allowWrites: true,
    onProgress: (e) => events.push(e.kind),
  });
  expect(first.warnings).toEqual([]);
  expect(first.map.map((e) => e.kind)).toEqual(['bootloader', 'partition table', 'application']);
  expect(first.report.verified).toBe(true);
  expect(first.elapsedMs).toBeGreaterThan(0);
  expect(events).toContain('finished');
  expect((await worker.espChipInfo(id))?.baud).toBe(460800);

  const again = await worker.espFlashParts(id, parts, { allowWrites: true });
  expect(again.report.bytesWritten).toBe(0);
  expect(again.elapsedMs).toBeLessThan(first.elapsedMs * 0.1);

  let text = '';
  await worker.espMonitorStart(id, { baud: 115200, onData: (b) => (text += new TextDecoder().decode(b)) });
  await vi.waitFor(() => expect(text).toContain('Calling app_main()'), { timeout: 5000 });
  await worker.espMonitorStop(id);

  const refused = await worker.espFlashParts(id, parts).catch((e: unknown) => e);
  expect((refused as WebProgError).code).toBe('WRITES_NOT_ALLOWED');
}, 30_000);

test('ESP calls on a device that is not an ESP board are refused', async () => {
  const worker = service();
  const error = await worker.espChipInfo('serial:0000:0000:999').catch((e: unknown) => e);
  expect((error as WebProgError).code).toBe('DEVICE_LOST');
});
