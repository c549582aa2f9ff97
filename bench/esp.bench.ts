/**
 * ESP flashing speed on the simulated ESP32 DevKit behind a CP2102 (modeled time on the board's
 * virtual clock: wire time at the baud in force, the bridge's USB costs — a 1 ms USB frame per
 * host write, a 3.5 ms receive timeout per short reply, see `src/sim/esp/usb-connection.ts` —
 * and flash busy time; not wall time). A 1 MiB image, half
 * incompressible, written at 0x10000 by the ESP backend's `flash` (skip-unchanged comparison,
 * pipelined compressed write, MD5 verification), against the line-rate limit (the image's
 * zlib size × 10 / baud) and, as the peer, esptool-js 0.7.0's plain `writeFlash` (with its MD5
 * check) on a fresh board in the same run. Connecting is not timed.
 *
 * The image comes in two layouts of the same bytes: mixed by 4 KiB sector, as firmware mixes
 * code and data, and two halves (all the random bytes, then all the text), the worst case: the
 * stub programs the whole text half after the wire has gone quiet. Each row's target is 90 % of
 * what the bridge model allows a perfect host with that image ({@link stubBound}).
 *
 * Every row also states our throughput relative to esptool-js's (the issue's target is ≥ 1.1× at
 * 921600). The board runs in 'zero' latency mode, where a host acts as soon as it has received
 * the data it acts on: esptool-js pays a bridge round trip per block, and our writer's second
 * block in flight travels behind the first (where the stub's estimated work allows it).
 * An FT232R row (16 ms latency timer) shows what a slow bridge does to both.
 *
 * Why 1.1× is out of reach at 921600 behind a CP2102: esptool-js's time is within about
 * 7 % of the bound below (its per-block round trip costs ~5 ms against 178 ms of wire time per
 * block, and during the first half of a 1 MiB write the stub, waiting for its background erase,
 * is slower than the wire for both hosts), and our flash also does the skip check.
 */
import { deflate } from 'pako';
import { DEFAULT_FLASH_TIMINGS, PAGE_SIZE } from '../src/sim/esp/spi-flash';
import { STUB_BLOCK_SIZE } from '../workers/device/esp/esp-protocol';
import { createSimulatedEspBoard } from '../src/sim/esp/board';
import { BRIDGE_TIMINGS } from '../src/sim/esp/usb-connection';
import {
  connectEsptool,
  halfIncompressibleImage,
  writeFlashOptions,
  sectorMixedImage,
} from '../src/sim/esp/test-helpers';
import { inflatedPerBlock } from '../workers/device/esp/deflate-writer';
import { EspBackend } from '../workers/device/esp/esp-backend';
import { flashImage } from '../workers/device/esp/testing';
import type { BenchResult } from './types';

const BAUDS = [115200, 460800, 921600];

/** The USB-UART bridges modeled. */
type Bridge = keyof typeof BRIDGE_TIMINGS;
const ADDRESS = 0x10000;

/**
 * Modeled seconds of the ESP backend's flash of `image` (with `skipUnchanged` off: write and
 * verify only, the work esptool-js does); also the re-flash of the same image.
 */
async function backendFlash(
  baud: number,
  image: Uint8Array,
  usb: Bridge = 'cp2102',
  skipUnchanged = true,
): Promise<{ first: number; again: number }> {
  const board = createSimulatedEspBoard({ chip: 'esp32', usb });
  const backend = new EspBackend(board.port, { baud, skipUnchanged });
  await backend.connect();
  const memory = flashImage(0x400000, [{ address: ADDRESS, data: image }]);
  const t0 = board.clock.now();
  const report = await backend.flash(memory, { allowWrites: true });
  const first = board.clock.now() - t0;
  if (!report.verified || report.bytesWritten !== image.length) throw new Error('bench flash did not write');
  const t1 = board.clock.now();
  await backend.flash(memory, { allowWrites: true });
  const again = board.clock.now() - t1;
  await backend.disconnect();
  return { first, again };
}

/** Modeled seconds of esptool-js's `writeFlash` of `image` (compressed, with its MD5 check). */
async function esptoolFlash(baud: number, image: Uint8Array, usb: Bridge = 'cp2102'): Promise<number> {
  const board = createSimulatedEspBoard({ chip: 'esp32', usb });
  const { loader, transport } = connectEsptool(board, baud);
  await loader.main();
  const t0 = board.clock.now();
  await loader.writeFlash(writeFlashOptions(image, ADDRESS, true));
  const seconds = board.clock.now() - t0;
  await transport.disconnect();
  return seconds;
}

/**
 * The fastest any host can flash `image` through the flasher stub, in seconds: the compressed
 * bytes and their SLIP escapes on the wire, then the flash work that cannot overlap it. The
 * stub handles one command at a time with one frame buffered behind it, so what the last
 * 16 KiB block inflates to (here the whole compressible half) is programmed after the wire
 * has gone quiet (its erase may have run ahead during the wire time), and the MD5 verify
 * reads the image back after that. It is a lower bound, not the stub's exact time: while the
 * stub's erase runs ahead (one 64 KiB block per inflate step), each 32 KiB it programs first
 * waits for that erase, so a mixed image also loses about 22 ms per block until the erase has
 * reached the end of the range (about 0.3 s at 921600, for esptool-js as for us).
 */
function stubBound(image: Uint8Array, compressed: Uint8Array, baud: number, usb: Bridge = 'cp2102'): number {
  const escapes = compressed.reduce((n, b) => n + (b === 0xc0 || b === 0xdb ? 1 : 0), 0);
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < compressed.length; at += STUB_BLOCK_SIZE) {
    blocks.push(compressed.subarray(at, at + STUB_BLOCK_SIZE));
  }
  const tail = inflatedPerBlock(blocks).at(-1) ?? 0;
  const t = DEFAULT_FLASH_TIMINGS;
  // Even a host with everything in flight pays the bridge once: its first write waits for a USB
  // frame, and the MD5 reply at the end for the bridge's flush.
  const bridge = BRIDGE_TIMINGS[usb];
  return (
    bridge.hostWriteSeconds +
    bridge.flushSeconds +
    ((compressed.length + escapes) * 10) / baud +
    Math.floor(tail / PAGE_SIZE) * t.pageProgram +
    image.length * t.readPerByte
  );
}

/** The two layouts of the same data: mixed as in firmware (held to the target, also re-flashed) and the worst case. */
const IMAGES: { label: string; make: () => Uint8Array; reflash: boolean; why: string }[] = [
  {
    label: 'half incompressible, mixed by 4 KiB sector',
    make: sectorMixedImage,
    reflash: true,
    why: 'then programming what the last block inflates to, then the MD5 read',
  },
  {
    label: 'half incompressible as two halves, worst case',
    make: halfIncompressibleImage,
    reflash: false,
    why: 'then programming the text half that the last block inflates to, then the MD5 read',
  },
];

/** One flash of `image` by us and by esptool-js on fresh boards behind `usb` at `baud`. */
async function compare(
  label: string,
  image: Uint8Array,
  zlib: Uint8Array,
  baud: number,
  usb: Bridge,
  why: string,
): Promise<{ result: BenchResult; ours: { first: number; again: number }; peer: number; bound: number }> {
  const limit = (zlib.length * 10) / baud;
  const bound = stubBound(image, zlib, baud, usb);
  const ours = await backendFlash(baud, image, usb);
  const peer = await esptoolFlash(baud, image, usb);
  const result: BenchResult = {
    name: `ESP32 flash 1 MiB (${label}) at ${baud} baud, ${BRIDGE_NAMES[usb]}`,
    value: round(ours.first),
    unit: 's',
    target: { value: round(bound / 0.9), better: 'lower' },
    limit: round(limit),
    peer: { name: 'esptool-js 0.7.0 writeFlash', value: round(peer) },
    note:
      `modeled; ${pct(limit / ours.first)} of line rate (esptool-js ${pct(limit / peer)}); ` +
      `throughput ${(peer / ours.first).toFixed(2)}× esptool-js's; ` +
      `${zlib.length} bytes compressed; incl. skip check and MD5 verify; ` +
      `the bridge model allows ${round(bound)} s = ${pct(limit / bound)} with this image (SLIP escapes, ` +
      `one bridge round trip, ${why}); we reach ${pct(bound / ours.first)} of that; target: 90 % of it`,
  };
  return { result, ours, peer, bound };
}

/** Display names of the bridges. */
const BRIDGE_NAMES: Record<Bridge, string> = {
  cp2102: 'CP2102',
  ch340: 'CH340',
  ft232r: 'FT232R (16 ms latency timer)',
};

/** Runs the ESP flashing benchmark. */
export async function run(): Promise<BenchResult[]> {
  const log = console.log;
  console.log = () => undefined; // esptool-js's Transport prints a TRACE line on every disconnect
  try {
    const results: BenchResult[] = [];
    for (const { label, make, reflash, why } of IMAGES) {
      const image = make();
      const zlib = deflate(image, { level: 9 });
      for (const baud of BAUDS) {
        const { result, ours, peer, bound } = await compare(label, image, zlib, baud, 'cp2102', why);
        results.push(result);
        if (reflash && baud === 921600) {
          const plain = await backendFlash(baud, image, 'cp2102', false);
          results.push({
            name: `ESP32 flash 1 MiB (${label}) at 921600 baud, CP2102: throughput vs esptool-js`,
            value: Number((peer / ours.first).toFixed(3)),
            unit: '×',
            target: { value: 1.1, better: 'higher' },
            note:
              'esptool-js time / ours, same image, same modeled board; ours includes the skip ' +
              'check (a chip MD5 per 64 KiB chunk) that esptool-js does not do; without it (the ' +
              `same work as esptool-js) ours takes ${round(plain.first)} s = ` +
              `${(peer / plain.first).toFixed(3)}×; a host at the bridge model's bound ` +
              `(${round(bound)} s) would reach ${(peer / bound).toFixed(3)}×`,
          });
        }
        if (!reflash) continue;
        results.push({
          name: `ESP32 re-flash of the same 1 MiB at ${baud} baud, CP2102`,
          value: round(ours.again),
          unit: 's',
          target: { value: round(ours.first * 0.1), better: 'lower' },
          note: `modeled; ${pct(ours.again / ours.first)} of the first flash (writes nothing: every 64 KiB chunk's MD5 matches)`,
        });
      }
      if (reflash) results.push((await compare(label, image, zlib, 921600, 'ft232r', why)).result);
    }
    return results;
  } finally {
    console.log = log;
  }
}

function round(seconds: number): number {
  return Number(seconds.toFixed(3));
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}
