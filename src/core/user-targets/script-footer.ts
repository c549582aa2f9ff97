/**
 * A device script's footer as a person reads it: family name, load and staging addresses, the
 * ROM-table PID masks and values, the check ("match") values, which entry points the header
 * fills, and the format version (CortexProg's 1, or WebProg's 2 with checksum/blank-check
 * entries and perhaps a second staging buffer).
 */
import type { DeviceScript, EntryName } from '../device-script';
import { V1_ENTRIES, V2_ENTRIES } from '../device-script';
import { formatAddress } from '../errors';

/** The footer's fields, formatted. */
export interface ScriptFooterSummary {
  family: string;
  file: string;
  formatVersion: 1 | 2;
  loadAddress: string;
  stagingAddress: string;
  /** The second staging buffer of a version-2 "WPB2" header. */
  secondStagingAddress?: string;
  /** "0x…" hex of the SWD multidrop target id. */
  targetId: string;
  /** PID4..PID7, PID0..PID3 with mask and value, e.g. { pid: 'PID4', mask: '0x0F', value: '0x02' }. */
  pids: { pid: string; mask: string; value: string }[];
  /** Check values: `(word(address) & mask) == value`. */
  matchValues: { address: string; mask: string; value: string }[];
  /** Entry points the header fills. */
  entries: EntryName[];
  /** Entry points it leaves empty. */
  missingEntries: EntryName[];
  /** Bytes uploaded to the chip. */
  imageBytes: number;
}

const PID_NAMES = ['PID4', 'PID5', 'PID6', 'PID7', 'PID0', 'PID1', 'PID2', 'PID3'];
const byte = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(2, '0');

/** Summarises a parsed script's footer and header. */
export function summariseScriptFooter(script: DeviceScript): ScriptFooterSummary {
  const all = [...V1_ENTRIES, ...(script.header.formatVersion === 2 ? V2_ENTRIES : [])];
  return {
    family: script.name,
    file: script.file,
    formatVersion: script.header.formatVersion,
    loadAddress: formatAddress(script.loadAddr),
    stagingAddress: formatAddress(script.stagingAddr),
    ...(script.header.secondStagingAddr !== undefined
      ? { secondStagingAddress: formatAddress(script.header.secondStagingAddr) }
      : {}),
    targetId: formatAddress(script.targetId),
    pids: PID_NAMES.map((pid, i) => ({
      pid,
      mask: byte(script.pidMasks[i]),
      value: byte(script.pidValues[i]),
    })),
    matchValues: script.checkValues.map((c) => ({
      address: formatAddress(c.address),
      mask: formatAddress(c.mask),
      value: formatAddress(c.value),
    })),
    entries: all.filter((e) => script.header.entries[e]),
    missingEntries: all.filter((e) => !script.header.entries[e]),
    imageBytes: script.image.length,
  };
}
