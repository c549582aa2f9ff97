/**
 * RL78 flashing speed on the simulated R5F100LE (RL78/G13) behind a USB-UART in single-wire mode
 * (modeled time on the board's virtual clock: wire time at the baud in force on the one TOOL0
 * wire, the bridge's USB costs — a 1 ms USB frame per host write, then a receive timeout before
 * a short reply reaches the host: 3.5 ms on a CP2102, 2.4 ms on a CH340, see
 * `src/sim/esp/usb-connection.ts` — and the chip's busy time from `src/sim/rl78/chips.ts`). A
 * 64 KiB code flash image written and verified by the `rl78` backend's `flash` on a chip whose
 * flash holds other data (every block erased first), at 115200 Bd (what Chrome's Web Serial
 * allows: it cannot change a port's rate in place, and reopening the port resets the chip) and at
 * 1,000,000 Bd (a port with an in-place rate change). Connecting is not timed.
 *
 * The floor (`limit`) is the issue's: what the protocol itself needs on a half-duplex single-wire
 * line — every byte of the Block Erase commands and their statuses, the Programming command,
 * 256 data frames of 256 bytes (260 bytes each, the echo being those same bits) and their 2-byte
 * statuses, the completion status, one Checksum over the image — plus the flash busy time
 * (erase, program, checksum read). It leaves out the USB bridge.
 *
 * Why 1,000,000 Bd cannot reach 1.3× that floor: Protocol A is lock-step. The chip answers each
 * data frame with a status whose second byte is the write result, so it can only come after the
 * frame is programmed, and on the single TOOL0 wire anything the host sent meanwhile would
 * collide with it; rl78flash likewise waits for each status. Every command and every data frame
 * is therefore one USB round trip — a USB OUT frame plus the bridge's receive timeout — which no
 * host can overlap. The note gives that bridge floor: the floor plus one round trip for
 * each of the 64 erases, the Programming command, the 256 data frames and the Checksum. The
 * backend's own extra is its skip-unchanged probe (one Checksum per block of a non-blank run;
 * a block whose checksum already matches would then be compared by a Verify — none does here,
 * the chip holds other data).
 *
 * One more figure: re-flashing the same 64 KiB image in the same session at 115200 Bd. The
 * session knows what every block holds (it erased, programmed and confirmed them; see
 * `workers/device/rl78/rl78-known-contents.ts`), so the only command is one Reset that confirms
 * the chip is still in this session's programming mode: the floor is that exchange on the wire
 * (a 5-byte command frame and a 5-byte status), the target 0.5 s. The note gives the same
 * re-flash in a new session, where nothing is known and every block is compared by the chip (a
 * Checksum per block, then Verify sends the whole image).
 */
import { BLOCK_SIZE, RL78_TIMING, createSimulatedRl78Board } from '../src/sim/rl78';
import { BRIDGE_TIMINGS } from '../src/sim/esp/usb-connection';
import { MemoryImage } from '../src/core/memory/memory-image';
import { Rl78Backend } from '../workers/device/rl78/rl78-backend';
import { lcgBytes } from '../workers/device/testing';
import type { BenchResult } from './types';

const SIZE = 64 * 1024;

/** Floor in seconds: protocol bytes on the one wire plus flash busy time. */
function floorSeconds(baud: number): number {
  const blocks = SIZE / BLOCK_SIZE;
  const frames = SIZE / 256;
  const status = 5; // STX 01 ST SUM ETX
  const bytes =
    blocks * (8 + status) + // Block Erase + status
    (11 + status) + // Programming + status
    frames * (260 + 6) + // data frames + 2-byte statuses
    status + // completion
    (11 + status + 6); // one Checksum over the image + status + 2-byte data frame
  const wire = (bytes * 10) / baud;
  const busy =
    blocks * RL78_TIMING.blockEraseSeconds +
    frames * RL78_TIMING.program256Seconds +
    SIZE * RL78_TIMING.readByteSeconds;
  return wire + busy;
}

type Bridge = 'cp2102' | 'ch340';

/**
 * The bridge floor in seconds: the floor plus one USB round trip (a USB OUT frame, then the
 * bridge's receive timeout before the reply reaches the host) for each lock-step exchange the
 * floor counts — 64 Block Erases, the Programming command, 256 data frames, one Checksum.
 */
function bridgeFloorSeconds(baud: number, bridge: Bridge): number {
  const t = BRIDGE_TIMINGS[bridge];
  const roundTrips = SIZE / BLOCK_SIZE + 1 + SIZE / 256 + 1;
  return floorSeconds(baud) + roundTrips * (t.hostWriteSeconds + t.flushSeconds);
}

async function flashSeconds(baud: number, bridge: Bridge): Promise<number> {
  const board = createSimulatedRl78Board({ chip: 'R5F100LE', bridge, setBaudRate: baud !== 115_200 });
  board.flash.load(0, new Uint8Array(SIZE).fill(0x5a)); // old firmware: every block needs an erase
  const backend = new Rl78Backend(board.port, { baud });
  const { regions } = await backend.connect();
  const image = new MemoryImage(regions);
  image.writeAt(0, lcgBytes(SIZE, 1));
  const t0 = board.clock.now();
  const report = await backend.flash(image, { allowWrites: true });
  const seconds = board.clock.now() - t0;
  if (!report.verified || report.bytesWritten !== SIZE || report.erasedBlocks !== 64)
    throw new Error('bench flash did not write');
  await backend.disconnect();
  return seconds;
}

/**
 * Modeled seconds to flash the 64 KiB image again, unchanged: in the same session, and after a
 * reconnect (a new session, which knows nothing).
 */
async function reflashSeconds(baud: number): Promise<{ same: number; fresh: number }> {
  const board = createSimulatedRl78Board({ chip: 'R5F100LE', setBaudRate: baud !== 115_200 });
  board.flash.load(0, new Uint8Array(SIZE).fill(0x5a));
  const backend = new Rl78Backend(board.port, { baud });
  const { regions } = await backend.connect();
  const image = new MemoryImage(regions);
  image.writeAt(0, lcgBytes(SIZE, 1));
  await backend.flash(image, { allowWrites: true });
  const timed = async () => {
    const t0 = board.clock.now();
    const report = await backend.flash(image, { allowWrites: true });
    if (report.bytesWritten !== 0 || report.skippedBlocks !== SIZE / BLOCK_SIZE)
      throw new Error('bench re-flash wrote');
    return board.clock.now() - t0;
  };
  const same = await timed();
  await backend.connect();
  const fresh = await timed();
  await backend.disconnect();
  return { same, fresh };
}

/** The RL78 figures. */
export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const cases: [number, Bridge][] = [
    [115_200, 'cp2102'],
    [1_000_000, 'cp2102'],
    [1_000_000, 'ch340'],
  ];
  for (const [baud, bridge] of cases) {
    const seconds = await flashSeconds(baud, bridge);
    const floor = floorSeconds(baud);
    const bridgeFloor = bridgeFloorSeconds(baud, bridge);
    const roundTrip = (BRIDGE_TIMINGS[bridge].hostWriteSeconds + BRIDGE_TIMINGS[bridge].flushSeconds) * 1000;
    out.push({
      name: `RL78/G13 64 KiB erase+write+verify, single-wire ${bridge.toUpperCase()}, ${baud} Bd`,
      value: Number(seconds.toFixed(3)),
      unit: 's',
      target: { value: Number((floor * 1.3).toFixed(3)), better: 'lower' },
      limit: Number(floor.toFixed(3)),
      note:
        `modeled; ${(seconds / floor).toFixed(2)}× the floor (target ≤ 1.3×); ` +
        `lock-step protocol over this bridge (${roundTrip.toFixed(1)} ms per round trip × 322) ` +
        `cannot go below ${bridgeFloor.toFixed(2)} s = ${(bridgeFloor / floor).toFixed(2)}× the floor, ` +
        `this run is ${(seconds / bridgeFloor).toFixed(2)}× that (skip-unchanged probes)` +
        (baud !== 115_200 ? '; a port that changes its rate in place (not Chrome’s Web Serial)' : ''),
    });
  }
  const reflash = await reflashSeconds(115_200);
  out.push({
    name: 'RL78/G13 re-flash of the unchanged 64 KiB image in the same session, CP2102, 115200 Bd',
    value: Number(reflash.same.toFixed(3)),
    unit: 's',
    target: { value: 0.5, better: 'lower' },
    limit: Number((((5 + 5) * 10) / 115_200).toFixed(4)),
    note:
      'modeled; every block’s contents known to the session: one Reset command (is the chip still in programming mode?) and nothing else; ' +
      `in a new session (contents unknown: a Checksum per block, then Verify sends the image) ${reflash.fresh.toFixed(2)} s`,
  });
  return out;
}
