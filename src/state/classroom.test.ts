/**
 * Classroom mode against the real device worker service (in-process) and simulated micro:bits:
 * every plugged board is flashed at once, failures are retried, boards that already hold the
 * image are counted as up to date, serial numbers land in flash, the CSV lists every board.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../core/formats';
import type { DeviceWorkerApi } from '../../workers/device/api';
import { CmsisDapBackend } from '../../workers/device/cmsis-dap/backend';
import { WebUsbPacketTransport } from '../../workers/device/cmsis-dap/packet-transport';
import { decodeScriptLayout } from '../../workers/device/cmsis-dap/script-catalogue';
import { nodeScripts } from '../../workers/device/cmsis-dap/testing/node-scripts';
import type { ImageDto } from '../../workers/device/device-api';
import { serialBackendFor } from '../../workers/device/backend-registry';
import { createDeviceService } from '../../workers/device/service';
import { SparseData } from '../core/memory/sparse-data';
import { createSimulation } from '../../workers/device/simulation-impl';
import { classroomClient } from './classroom-client';
import { CSV_COLUMNS } from './classroom-csv';
import type { ClassroomFile } from './classroom-image';
import { ClassroomState, LABELS_KEY } from './classroom.svelte';
import { deviceWorkflowClient } from './devices-client';
import { parseDeviceOptions } from './devices-options';
import { DevicesState } from './devices.svelte';
import { LogState } from './log.svelte';
import { memoryStorage, quietBrowser } from './testing/browser';

/**
 * Per-test limit. A test flashes MicroPython (about 480 KB, the device script running on the
 * simulated core) to up to three boards: about 20 s of CPU on an idle machine, several times
 * that on a busy 2-core one running the rest of the suite. Nothing here asserts wall time;
 * durations the rows show are modeled (the simulators' clocks).
 */
const LIMIT_MS = 600_000;

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const fixture = (name: string): ClassroomFile => {
  const file = loadFile(name, readFileSync(path.join(FIXTURES, name)));
  return { name, data: file.data, boards: file.boards ?? [] };
};
const V2_HEX = fixture('micropython-v2.1.2.hex');

const browser = quietBrowser;

/** The real service with simulation on; counts flash calls running at the same time. */
function service() {
  const real = createDeviceService({
    sources: {
      // Deadlines on the simulated probe's modeled clock, as the device worker sets them.
      usbBackend: (device, clock) =>
        new CmsisDapBackend(new WebUsbPacketTransport(device), {
          scripts: nodeScripts,
          decodeLayout: decodeScriptLayout,
          now: clock,
        }),
      // Renesas RA boards in boot mode (Uno R4) reach the worker as serial ports.
      serialBackend: serialBackendFor,
    },
    loadSimulation: async () => createSimulation(),
  });
  const stats = { inFlight: 0, maxInFlight: 0 };
  const counted: DeviceWorkerApi = {
    ...real,
    async backendCall(id, operation, args, options) {
      if (operation !== 'flash') return real.backendCall(id, operation, args, options);
      stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
      try {
        return await real.backendCall(id, operation, args, options);
      } finally {
        stats.inFlight--;
      }
    },
  };
  return { device: counted, stats };
}

async function setup(storage = memoryStorage()) {
  const { device, stats } = service();
  const log = new LogState();
  const devices = new DevicesState(
    deviceWorkflowClient(device),
    browser,
    log,
    parseDeviceOptions('http://localhost/?sim&simLatency=zero'),
  );
  await devices.start();
  const downloads: { name: string; text: string }[] = [];
  const classroom = new ClassroomState(classroomClient(device), devices, log, {
    simLatency: 'zero',
    storage,
    download: (name, bytes) => downloads.push({ name, text: new TextDecoder().decode(bytes) }),
    now: () => new Date(2025, 8, 1, 9, 5).getTime(),
  });
  return { device, stats, devices, classroom, log, downloads, storage };
}

/** Checks on the chip that it holds `file`'s data for its version (the worker's verify). */
async function expectHolds(device: DeviceWorkerApi, id: string, file: ClassroomFile, version: 'V1' | 'V2') {
  const { regions } = await device.connectDevice(id);
  const data = file.boards.length
    ? file.boards.find((b) => (version === 'V1') === b.boardId < 0x9903)!.data
    : file.data;
  const flash = regions.filter((r) => r.kind === 'flash');
  const segments = data
    .segments()
    .filter((s) => flash.some((r) => s.address >= r.base && s.address < r.base + r.size));
  const image: ImageDto = {
    regions: flash,
    segments: segments.map((s) => ({ address: s.address, data: s.data })),
  };
  await expect(device.backendCall(id, 'verify', { image })).resolves.toBeDefined();
}

describe('ClassroomState with simulated micro:bits', { timeout: LIMIT_MS }, () => {
  it('flashes every plugged-in micro:bit at once when started, and each one plugged in afterwards', async () => {
    const { device, stats, classroom } = await setup();
    const early = [
      await classroom.plugSimulated('microbit-v2'),
      await classroom.plugSimulated('microbit-v2'),
    ];
    expect(classroom.rows.map((r) => r.status)).toEqual(['waiting', 'waiting']);
    expect(classroom.start()).toBe(false); // no image yet
    expect(classroom.notice?.level).toBe('error');

    expect(classroom.useFile(V2_HEX)).toBe(true);
    expect(classroom.start()).toBe(true);
    const late = await classroom.plugSimulated('microbit-v2');
    await classroom.whenIdle();

    expect(stats.maxInFlight).toBe(3);
    expect(classroom.rows.map((r) => [r.index, r.status, r.present])).toEqual([
      [1, 'flashed', true],
      [2, 'flashed', true],
      [3, 'flashed', true],
    ]);
    for (const row of classroom.rows) {
      expect(row.friendlyName).toMatch(/^[a-z]{5}$/);
      expect(row.bytesWritten).toBeGreaterThan(400_000);
      expect(row.elapsedMs).toBeGreaterThan(0);
      expect(row.full).toBe(true);
      expect(row.message).toMatch(/^wrote .* \(full flash\), verified/);
    }
    expect(classroom.summary).toMatchObject({
      boards: 3,
      present: 3,
      flashed: 3,
      failed: 0,
      upToDate: 0,
      active: 0,
    });
    for (const id of [...early, late]) await expectHolds(device, id!, V2_HEX, 'V2');
  });

  it('shows a board whose flash fails as failed, and flashes it on retry', async () => {
    const { classroom } = await setup();
    classroom.useFile(V2_HEX);
    classroom.start();
    await classroom.plugSimulated('microbit-v2');
    await classroom.plugSimulated('microbit-v2', { failFirstFlash: true });
    await classroom.whenIdle();
    const [good, bad] = classroom.rows;
    expect(good.status).toBe('flashed');
    expect(bad).toMatchObject({ status: 'failed', errorCode: 'DEVICE_PROTOCOL', attempts: 1 });
    // What to do in plain words; the technical detail kept apart, one click away in the table.
    expect(bad.message).toBe('The board did not answer: unplug it and plug it in again; check the cable.');
    expect(bad.detail).toMatch(/^DEVICE_PROTOCOL: /);
    expect(classroom.summary).toMatchObject({ flashed: 1, failed: 1 });

    expect(classroom.retryFailed()).toBe(1);
    await classroom.whenIdle();
    expect(classroom.rows[1]).toMatchObject({
      status: 'flashed',
      attempts: 2,
      errorCode: undefined,
      detail: undefined,
    });
    expect(classroom.summary).toMatchObject({ flashed: 2, failed: 0 });
  });

  it("shows a board's friendly name as soon as it is plugged in, before any flash", async () => {
    const { classroom, device, stats } = await setup();
    const flashes: string[] = [];
    const backendCall = device.backendCall;
    device.backendCall = async (id, operation, ...rest) => {
      flashes.push(operation);
      return backendCall(id, operation, ...rest);
    };
    await classroom.plugSimulated('microbit-v2');
    await expect.poll(() => classroom.rows[0]?.friendlyName, { timeout: 30_000 }).toMatch(/^[a-z]{5}$/);
    expect(classroom.rows[0].status).toBe('waiting');
    expect(flashes).toEqual([]);
    expect(stats.maxInFlight).toBe(0);
  }, 60_000);

  it('counts boards that already hold the image as up to date', async () => {
    const { classroom } = await setup();
    await classroom.plugSimulated('microbit-v2');
    classroom.useFile(V2_HEX);
    classroom.start();
    await classroom.whenIdle();
    expect(classroom.rows[0].status).toBe('flashed');

    expect(classroom.flashAll()).toBe(1);
    await classroom.whenIdle();
    expect(classroom.rows[0]).toMatchObject({ status: 'up-to-date', bytesWritten: 0, attempts: 2 });
    expect(classroom.rows[0].skippedBlocks).toBeGreaterThan(100);
    expect(classroom.summary).toMatchObject({ flashed: 0, upToDate: 1 });
  });

  it('writes each board its own serial number at the chosen flash address', async () => {
    const { device, classroom } = await setup();
    const ids = [await classroom.plugSimulated('microbit-v2'), await classroom.plugSimulated('microbit-v2')];
    classroom.useFile(V2_HEX);
    classroom.setSerialNumbers({ enabled: true, address: 0x7_3000, first: 4100 });
    classroom.start();
    await classroom.whenIdle();
    expect(classroom.rows.map((r) => [r.status, r.serialNumber])).toEqual([
      ['flashed', 4100],
      ['flashed', 4101],
    ]);
    for (const [n, id] of ids.entries()) {
      const { regions } = await device.connectDevice(id!);
      const read = await device.backendCall(id!, 'read_segment', {
        image: { regions, segments: [] },
        address: 0x7_3000,
        size: 4,
      });
      const word = new DataView(read.image!.segments[0].data.buffer, read.image!.segments[0].data.byteOffset);
      expect(word.getUint32(0, true)).toBe(4100 + n);
    }
    const lines = classroom.csv().split('\r\n');
    expect(lines[1]).toMatch(/,4100,1,,/);
    expect(lines[2]).toMatch(/,4101,1,,/);
  });

  it('refuses a serial number location inside MicroPython’s file system, per board', async () => {
    const { classroom } = await setup();
    await classroom.plugSimulated('microbit-v2');
    classroom.useFile(V2_HEX);
    classroom.setSerialNumbers({ enabled: true, address: 0x6_d000, first: 1 });
    classroom.start();
    await classroom.whenIdle();
    expect(classroom.rows[0]).toMatchObject({ status: 'failed', errorCode: 'INVALID_ARGUMENT' });
    expect(classroom.rows[0].message).toMatch(/file system/);
  });

  it('gives V1 and V2 boards their own section of a Universal Hex', async () => {
    const universal = fixture('universal-sections-9901-9903.hex');
    const { device, classroom } = await setup();
    const v1 = await classroom.plugSimulated('microbit-v1');
    const v2 = await classroom.plugSimulated('microbit-v2');
    classroom.useFile(universal);
    classroom.start();
    await classroom.whenIdle();
    expect(classroom.rows.map((r) => [r.board, r.status])).toEqual([
      ['micro:bit V1.3', 'flashed'],
      ['micro:bit V2.00', 'flashed'],
    ]);
    await expectHolds(device, v1!, universal, 'V1');
    await expectHolds(device, v2!, universal, 'V2');
  });

  it('keeps unplugged boards with their results and exports every board as CSV with names and labels', async () => {
    const { device, devices, classroom, downloads, storage } = await setup();
    classroom.useFile(V2_HEX);
    classroom.start();
    const a = await classroom.plugSimulated('microbit-v2');
    await classroom.plugSimulated('microbit-v2', { failFirstFlash: true });
    await classroom.whenIdle();
    classroom.setLabel(a!, 'Table 3, "Ada"');
    await device.unplugSimulated(a!);
    await devices.refresh();
    classroom.sync(devices.summaries);
    expect(classroom.rows.map((r) => r.present)).toEqual([false, true]);
    expect(classroom.summary).toMatchObject({ boards: 2, present: 1, flashed: 1, failed: 1 });

    const name = classroom.exportCsv();
    expect(name).toBe('classroom-micropython-v2-1-2-2025-09-01-0905.csv');
    expect(downloads).toHaveLength(1);
    const lines = downloads[0].text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(3);
    const [first, second] = classroom.rows;
    expect(lines[1]).toMatch(
      new RegExp(
        `^1,"Table 3, ""Ada""","Table 3, ""Ada""",${first.friendlyName},${first.serial},micro:bit V2.00,yes,Flashed,\\d+,0,\\d+\\.\\d\\d,,1,,`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^2,${second.friendlyName},,${second.friendlyName},${second.serial},.*,Failed,.*,DEVICE_PROTOCOL,`,
      ),
    );
    expect(lines[2]).toMatch(/,micropython-v2\.1\.2\.hex$/);

    // The label is remembered by USB serial for the next session.
    expect(JSON.parse(storage.getItem(LABELS_KEY)!)).toEqual({ [first.serial]: 'Table 3, "Ada"' });
  });

  it('stop cancels the flashes in progress; the image cannot change while running', async () => {
    const { classroom } = await setup();
    await classroom.plugSimulated('microbit-v2');
    await classroom.plugSimulated('microbit-v2');
    classroom.useFile(V2_HEX);
    classroom.start();
    expect(classroom.useFile(V2_HEX)).toBe(false);
    classroom.stop();
    await classroom.whenIdle();
    expect(classroom.rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect(classroom.summary.waiting).toBe(2);
    expect(classroom.retryFailed()).toBe(2);
    await classroom.whenIdle();
    expect(classroom.rows.map((r) => r.status)).toEqual(['flashed', 'flashed']);
  });

  describe(
    'ClassroomState with simulated Uno R4 boards (Renesas RA4M1 in boot mode)',
    { timeout: LIMIT_MS },
    () => {
      it('flashes three at once with the whole file, names the chip and verifies by its CRC', async () => {
        const { device, stats, devices, classroom } = await setup();
        for (let n = 0; n < 3; n++) await device.plugSimulated('ra4m1', { latency: 'zero' });
        await devices.refresh();
        classroom.sync(devices.summaries);
        expect(classroom.rows).toHaveLength(3);
        expect(classroom.rows.every((r) => r.version === undefined)).toBe(true);
        const data = new SparseData();
        data.write(
          0,
          Uint8Array.from({ length: 12 * 1024 }, (_, i) => (i * 3 + 1) & 0xff),
        );
        expect(classroom.useFile({ name: 'blink.hex', data, boards: [] })).toBe(true);
        expect(classroom.start()).toBe(true);
        await classroom.whenIdle();
        expect(stats.maxInFlight).toBe(3);
        for (const row of classroom.rows) {
          expect(row.status).toBe('flashed');
          expect(row.board).toBe('Renesas RA2/RA4 with 256 KiB code flash');
          expect(row.message).toMatch(/verified/);
        }
        // A Universal Hex is for micro:bits: an RA board gets a clear refusal, not a guess.
        classroom.stop();
        const universal = { name: 'both.hex', data, boards: [{ boardId: 0x9903, data }] };
        expect(classroom.useFile(universal)).toBe(true);
        classroom.start();
        await classroom.whenIdle();
        expect(classroom.rows[0].status).toBe('failed');
        expect(classroom.rows[0].message ?? '').not.toBe('');
        expect(classroom.rows[0].detail).toMatch(/holds nothing for this board/);
      });
    },
  );
});
