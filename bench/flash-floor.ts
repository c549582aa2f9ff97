/**
 * The true floor of a full flash: what a perfect host needs on the modeled silicon over the
 * modeled link, `max(link time, flash busy time)` with the fastest erase the chip allows.
 * - Link: every byte of data crosses in full DAP_TransferBlock packets (14 words of 64-byte
 *   packets), every packet buffer of the probe busy, so a packet costs the larger of its share
 *   of a USB round trip (round trip / packet count) and its SWD time (14 word writes of 46 bits:
 *   8 request + 1 turnaround + 3 ack + 33 data + 1 turnaround, as `src/sim/cmsis-dap` clocks
 *   them).
 * - Flash busy: the cheaper of a chip erase and erasing the changed blocks, plus one program
 *   operation per word that is not 0xFFFFFFFF (hosts and our scripts skip those).
 */
import type { LatencyProfile } from '../src/sim/clock';

/** Words per DAP_TransferBlock in a 64-byte packet. */
const WORDS_PER_PACKET = 14;
/** SWD bits of one word write (request, turnaround, ack, data + parity, turnaround). */
const BITS_PER_WORD_WRITE = 8 + 1 + 3 + 33 + 1;

/** Modeled µs a perfect host needs to move `bytes` to the target's RAM. */
export function linkFloorUs(bytes: number, latency: LatencyProfile, packetCount: number): number {
  const perPacketUs = Math.max(
    latency.usbRoundTripUs / packetCount,
    (WORDS_PER_PACKET * BITS_PER_WORD_WRITE * 1e6) / latency.probeMaxSwdHz,
  );
  return Math.ceil(bytes / (WORDS_PER_PACKET * 4)) * perPacketUs;
}

/** Words of `bytes` that are not 0xFFFFFFFF (the ones a flash must program). */
export function programmedWords(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + 3 < bytes.length; i += 4)
    if ((bytes[i] & bytes[i + 1] & bytes[i + 2] & bytes[i + 3]) !== 0xff) n++;
  return n;
}

/** The floor's parts, in ms. */
export interface Floor {
  linkMs: number;
  flashBusyMs: number;
  /** max(link, flash busy). */
  floorMs: number;
}

/** The floor of writing `bytesMoved` bytes with `words` programmed words and the given erase. */
export function flashFloor(options: {
  bytesMoved: number;
  words: number;
  programUs: number;
  /** The fastest erase: min(chip erase, erase of the changed blocks), µs. */
  eraseUs: number;
  latency: LatencyProfile;
  packetCount: number;
}): Floor {
  const linkMs = linkFloorUs(options.bytesMoved, options.latency, options.packetCount) / 1000;
  const flashBusyMs = (options.eraseUs + options.words * options.programUs) / 1000;
  return { linkMs, flashBusyMs, floorMs: Math.max(linkMs, flashBusyMs) };
}
