/**
 * Classroom mode: 8 simulated micro:bit V2 (DAPLink latency) flashed with the V2 MicroPython hex
 * at once through one `DeviceManager` (each device its own queue, as in the device worker),
 * against one board alone. Modeled time of a run = the longest board's modeled flash time.
 * Also the JavaScript the page loads before any device is used (entry chunk and its static
 * imports, gzip), from a production build into a temporary directory.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { loadFile } from '../src/core/formats';
import { createSimulatedMicrobit, SimulatedUsb, type SimulatedProbe } from '../src/sim';
import { boardFlashPlan } from '../src/state/classroom-image';
import { CmsisDapBackend } from '../workers/device/cmsis-dap/backend';
import { WebUsbPacketTransport } from '../workers/device/cmsis-dap/packet-transport';
import { decodeScriptLayout } from '../workers/device/cmsis-dap/script-catalogue';
import { nodeScripts } from '../workers/device/cmsis-dap/testing/node-scripts';
import { DeviceManager, usbDeviceId } from '../workers/device/devices';
import type { BenchResult } from './types';

const BOARDS = 8;
const HEX = join(process.cwd(), '..', 'shared', 'fixtures', 'microbit', 'micropython-v2.1.2.hex');

/** Flashes the hex to `count` fresh boards at once; modeled ms of each board and the wall time. */
async function flashBoards(count: number): Promise<{ modeled: number[]; wallMs: number; bytes: number }> {
  const probes: SimulatedProbe[] = [];
  for (let i = 0; i < count; i++)
    probes.push(createSimulatedMicrobit('v2', { latency: 'daplink', deviceId: 0x1000 + i * 7919 }));
  const clocks = new Map<USBDevice, SimulatedProbe>(probes.map((p) => [p.usbDevice as USBDevice, p]));
  const devices = new DeviceManager({
    usb: new SimulatedUsb(probes.map((p) => p.usbDevice) as never, { grantAll: true }),
    usbBackend: (device) =>
      new CmsisDapBackend(new WebUsbPacketTransport(device), {
        scripts: nodeScripts,
        decodeLayout: decodeScriptLayout,
        now: () => clocks.get(device)!.clock.elapsedMs,
      }),
    isSimulated: () => true,
    clockFor: (device) => {
      const probe = clocks.get(device as USBDevice)!;
      return () => probe.clock.elapsedMs;
    },
  });
  const data = loadFile('micropython-v2.1.2.hex', readFileSync(HEX)).data;
  await devices.listDevices();
  const started = performance.now();
  let bytes = 0;
  const modeled = await Promise.all(
    probes.map(async (probe) => {
      const id = usbDeviceId(probe.usbDevice);
      const before = probe.clock.elapsedMs;
      const { regions } = await devices.connectDevice(id);
      const plan = boardFlashPlan(data, regions);
      bytes = plan.bytes;
      const result = await devices.backendCall(id, 'flash', plan.args, { allowWrites: true });
      if (!result.report?.verified) throw new Error(`Board ${id} was not verified.`);
      return probe.clock.elapsedMs - before;
    }),
  );
  return { modeled, wallMs: performance.now() - started, bytes };
}

/** Gzip bytes of the JavaScript `index.html` loads before any device is used. */
async function initialJsGzip(): Promise<{ bytes: number; files: string[] }> {
  const outDir = mkdtempSync(join(tmpdir(), 'webprog-bench-build-'));
  try {
    await build({
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, manifest: true, sourcemap: false },
    });
    type Chunk = { file: string; isEntry?: boolean; imports?: string[] };
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      Chunk
    >;
    const entry = Object.entries(manifest).find(([key, c]) => c.isEntry && key.endsWith('index.html'));
    if (!entry) throw new Error('The build manifest has no index.html entry.');
    // The entry chunk and its static imports (dynamic imports and workers load later).
    const files = new Set<string>();
    const visit = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || files.has(chunk.file)) return;
      files.add(chunk.file);
      for (const imported of chunk.imports ?? []) visit(imported);
    };
    visit(entry[0]);
    // Classic scripts index.html loads itself (the service worker registration).
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    for (const m of html.matchAll(/<script[^>]*\ssrc="\.?\/?([^"]+\.js)"/g)) files.add(m[1]);
    let bytes = 0;
    for (const file of files) bytes += gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
    return { bytes, files: [...files] };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const one = await flashBoards(1);
  const many = await flashBoards(BOARDS);
  const oneSeconds = Math.max(...one.modeled) / 1000;
  const manySeconds = Math.max(...many.modeled) / 1000;
  const size = await initialJsGzip();
  return [
    {
      name: `classroom: ${BOARDS} micro:bit V2 flashed at once, V2 MicroPython (modeled, longest board)`,
      value: manySeconds,
      unit: 's',
      target: { value: oneSeconds * 1.2, better: 'lower' },
      peer: { name: 'one board alone (modeled)', value: oneSeconds },
      note: `connect + full flash + verify of ${Math.round(many.bytes / 1024)} KiB per board; each board on its own modeled USB link (no shared-hub bandwidth in the model); ${(many.wallMs / 1000).toFixed(1)} s of Node CPU to simulate all ${BOARDS}`,
    },
    {
      name: `classroom: ${BOARDS} boards at once vs one alone (modeled time ratio)`,
      value: manySeconds / oneSeconds,
      unit: '×',
      target: { value: 1.2, better: 'lower' },
      note: `fastest board ${(Math.min(...many.modeled) / 1000).toFixed(2)} s, slowest ${manySeconds.toFixed(2)} s`,
    },
    {
      name: 'initial JavaScript before any device is used (gzip -9)',
      value: size.bytes / 1024,
      unit: 'KiB',
      target: { value: 250, better: 'lower' },
      note: `${size.files.join(', ')} (entry chunk + static imports + classic scripts of index.html; workers, wasm, esptool-js, editors load lazily)`,
    },
  ];
}
