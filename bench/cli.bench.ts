/**
 * The `webprog` command: start-up to the first device operation (a bundled build, as an
 * installed `webprog` runs), and a full flash of the V2 MicroPython hex on a simulated micro:bit
 * with DAPLink latency through the CLI against the same flash through the device service the
 * app's worker runs (modeled time; they should agree within 2 %).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { backendFactories } from '../workers/device/backend-registry';
import { nodeScripts } from '../workers/device/cmsis-dap/testing/node-scripts';
import { createDeviceService } from '../workers/device/service';
import { loadFile } from '../src/core/formats';
import { readFileSync } from 'node:fs';
import { median } from './stats';
import type { BenchResult } from './types';

const HEX = join(process.cwd(), '..', 'shared', 'fixtures', 'microbit', 'micropython-v2.1.2.hex');
const BIN = join(process.cwd(), 'bin', 'webprog.mjs');

function webprog(args: string[]): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`webprog ${args.join(' ')} failed: ${result.stderr}`);
  return { ms: performance.now() - started, stdout: result.stdout };
}

/** The modeled time of a full V2 flash through the device service, in process. */
async function serviceFlashMs(): Promise<number> {
  const device = createDeviceService({
    sources: backendFactories({ scripts: nodeScripts }),
    loadSimulation: () => import('../workers/device/simulation-impl').then((m) => m.createSimulation()),
  });
  const id = await device.plugSimulated('microbit-v2', { latency: 'realistic', deviceId: 0x5eed0001 });
  const connection = await device.connectDevice(id);
  const data = loadFile('micropython-v2.1.2.hex', readFileSync(HEX)).data;
  const image = { regions: connection.regions, segments: data.segments().map((s) => ({ ...s })) };
  const { elapsedMs } = await device.backendCall(id, 'flash', { image }, { allowWrites: true });
  return elapsedMs;
}

export async function run(): Promise<BenchResult[]> {
  execFileSync(
    process.execPath,
    [join('node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'cli/vite.config.ts'],
    {
      stdio: 'ignore',
    },
  );
  webprog(['list', '--sim', 'microbit-v2', '--sim-latency', 'zero']);
  const startups = Array.from(
    { length: 5 },
    () => webprog(['list', '--json', '--sim', 'microbit-v2', '--sim-latency', 'zero']).ms,
  );
  const cli = webprog(['flash', HEX, '--json', '--sim', 'microbit-v2']);
  const result = JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { elapsedMs: number };
  const worker = await serviceFlashMs();
  return [
    {
      name: 'webprog start-up to the first device operation (list, simulated micro:bit)',
      value: median(startups),
      unit: 'ms',
      target: { value: 300, better: 'lower' },
      note: 'wall time of the whole process, bundled build (npm run build:cli), median of 5',
    },
    {
      name: 'webprog flash of the V2 MicroPython hex, simulated micro:bit V2 (modeled)',
      value: result.elapsedMs / 1000,
      unit: 's',
      peer: { name: "the app's device service, same flash (modeled)", value: worker / 1000 },
      note: `CLI / worker = ${(result.elapsedMs / worker).toFixed(3)} (target within ±2 %)`,
    },
  ];
}
