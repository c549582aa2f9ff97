/**
 * The true floor of a full flash: what a perfect host needs on the modeled silicon over the
 * modeled link, `max(link time, flash busy time)` with the fastest erase the chip allows.
 * - Link: the modeled time to move the data into the target's RAM with the probe's packet
 *   buffers all busy and every packet a full DAP_TransferBlock ({@link measureLinkUsPerByte}
 *   measures it on the same simulated board: an upload to RAM with nothing else going on).
 * - Flash busy: the cheaper of a chip erase and erasing the changed blocks, plus one program
 *   operation per word that is not 0xFFFFFFFF (hosts and our scripts skip those).
 */
import type { SimulatedProbe } from '../src/sim';
import type { CmsisDapBackend } from '../workers/device/cmsis-dap/backend';

/** Bytes uploaded to measure the link (fits every simulated chip's RAM above 8 KiB). */
const LINK_SAMPLE = 8 * 1024;

/** The part of the backend's private session this measurement uses. */
type SessionView = {
  session: { cpu: { ap: { writeBytes(address: number, data: Uint8Array): Promise<void> } } };
};

/**
 * Modeled µs per byte of a pipelined RAM upload through `backend` (connected to `probe`, core
 * halted, e.g. right after a flash): our MEM-AP's writeBlock keeps every packet buffer busy
 * with full DAP_TransferBlock packets, re-setting TAR only at the 1 KiB auto-increment
 * boundary that binds every host, so it is what a perfect host gets from this link. Writes
 * RAM at base + 8 KiB (script staging, rewritten by every flash anyway).
 */
export async function measureLinkUsPerByte(backend: CmsisDapBackend, probe: SimulatedProbe): Promise<number> {
  const ap = (backend as unknown as SessionView).session.cpu.ap;
  const at = probe.target.chip.ramBase + 8 * 1024;
  const data = new Uint8Array(LINK_SAMPLE).fill(0xa5);
  await ap.writeBytes(at, data.subarray(0, 1024)); // CSW and TAR set up
  const start = probe.clock.elapsedMs;
  await ap.writeBytes(at, data);
  return ((probe.clock.elapsedMs - start) * 1000) / LINK_SAMPLE;
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
  /** Modeled link µs per byte ({@link measureLinkUsPerByte}). */
  linkUsPerByte: number;
}): Floor {
  const linkMs = (options.bytesMoved * options.linkUsPerByte) / 1000;
  const flashBusyMs = (options.eraseUs + options.words * options.programUs) / 1000;
  return { linkMs, flashBusyMs, floorMs: Math.max(linkMs, flashBusyMs) };
}
