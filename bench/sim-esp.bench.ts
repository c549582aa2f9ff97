/**
 * Modeled time of flashing a simulated ESP32 with esptool-js 0.7.0 (unmodified): a 1 MiB image,
 * half incompressible as two halves, through `writeFlash` after `main()`, against the serial line's limit
 * (bytes on the wire × 10 / baud). The figures are the board's virtual clock (wire time at the
 * baud rate in force, the CP2102 bridge's USB costs, and flash busy time), not wall time.
 */
import { deflate } from 'pako';
import { createSimulatedEspBoard } from '../src/sim/esp/board';
import { connectEsptool, halfIncompressibleImage, writeFlashOptions } from '../src/sim/esp/test-helpers';
import type { BenchResult } from './types';

interface Case {
  baud: number;
  compress: boolean;
}

const CASES: Case[] = [
  { baud: 921600, compress: true },
  { baud: 460800, compress: true },
  { baud: 115200, compress: true },
  { baud: 921600, compress: false },
];

async function measure({ baud, compress }: Case, image: Uint8Array): Promise<BenchResult> {
  const board = createSimulatedEspBoard({ chip: 'esp32', usb: 'cp2102' });
  const { loader, transport } = connectEsptool(board, baud);
  await loader.main();
  const wireBytes = compress ? deflate(image, { level: 9 }).length : image.length;
  const wallStart = performance.now();
  const start = board.clock.now();
  await loader.writeFlash(writeFlashOptions(image, 0x10000, compress));
  const modeled = board.clock.now() - start;
  const wall = performance.now() - wallStart;
  await transport.disconnect();
  return {
    name: `ESP32 writeFlash 1 MiB (half incompressible as two halves), ${compress ? 'compressed' : 'uncompressed'}, ${baud} baud, CP2102`,
    value: Number(modeled.toFixed(3)),
    unit: 's',
    limit: Number(((wireBytes * 10) / baud).toFixed(3)),
    note: `modeled (virtual clock), ${wireBytes} bytes sent as data, incl. MD5 verify; wall ${wall.toFixed(0)} ms`,
  };
}

/** Runs the ESP simulator benchmark. */
export async function run(): Promise<BenchResult[]> {
  const image = halfIncompressibleImage();
  const log = console.log;
  console.log = () => undefined; // esptool-js's Transport always prints a TRACE line
  try {
    const results: BenchResult[] = [];
    for (const c of CASES) results.push(await measure(c, image));
    return results;
  } finally {
    console.log = log;
  }
}
