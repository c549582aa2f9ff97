/**
 * Connecting to an RL78: open the port, enter programming mode, read the Silicon Signature and
 * the security settings, and describe the chip (target info, regions).
 */
import { WebProgError } from '../../../src/core/errors';
import type { Region } from '../../../src/core/memory/region';
import type { TargetInfo } from '../backend';
import { rl78SecurityGet, rl78Signature, type Rl78Security, type Rl78Signature } from './rl78-commands';
import { Rl78KnownContents } from './rl78-known-contents';
import { enterProgrammingMode, type Rl78EntryResult, type Rl78ResetLine } from './rl78-entry';
import { RL78_DATA_FLASH_BASE, requireSupported, rl78PartInfo, rl78Regions } from './rl78-families';
import { Rl78Link, type Rl78Wiring } from './rl78-link';

/** How to reach the chip. */
export interface Rl78ConnectOptions {
  /** Single-wire TOOL0 or two-wire. */
  wiring: Rl78Wiring;
  /** The modem line on RESET. */
  reset: Rl78ResetLine;
  /** Baud rate after Baud Rate Set. */
  baud: number;
  /** Supply voltage in volts. */
  volts?: number;
  /** Milliseconds to wait for each answer. */
  timeoutMs?: number;
}

/** A chip in programming mode, from connect until disconnect, reset or loss. */
export interface Rl78Session {
  link: Rl78Link;
  signature: Rl78Signature;
  security: Rl78Security;
  entry: Rl78EntryResult;
  regions: Region[];
  target: TargetInfo;
  /** What this session knows exactly about the blocks' contents (nothing at first). */
  known: Rl78KnownContents;
}

/** Describes the security flags for a person. */
export function securityText(s: Rl78Security): string {
  const set = [
    s.blockEraseProhibited && 'block erase prohibited',
    s.programmingProhibited && 'programming prohibited',
    s.bootClusterProhibited && 'boot cluster 0 rewrite prohibited',
  ].filter(Boolean);
  return `Security: ${set.length ? set.join(', ') : 'none set'} (FLG 0x${s.flags.toString(16).padStart(2, '0')}, boot block ${s.bootBlock}, window ${s.windowStart}–${s.windowEnd})`;
}

/** Opens the port and connects; the port is closed again if anything fails. */
export async function openSession(port: SerialPort, options: Rl78ConnectOptions): Promise<Rl78Session> {
  const link = new Rl78Link(port, { wiring: options.wiring, timeoutMs: options.timeoutMs });
  await link.open(115_200);
  try {
    const entry = await enterProgrammingMode(link, options);
    const signature = await rl78Signature(link);
    const info = rl78PartInfo(signature.name);
    requireSupported(signature.name, info);
    if (signature.codeEnd < 0 || signature.codeEnd >= RL78_DATA_FLASH_BASE) {
      throw new WebProgError(
        'CHIP_UNKNOWN',
        `The RL78 signature of ${signature.name} reports an impossible code flash end 0x${signature.codeEnd.toString(16)}.`,
      );
    }
    const security = await rl78SecurityGet(link);
    const regions = rl78Regions(signature.codeEnd, signature.dataEnd);
    const codeKiB = regions[0].size / 1024;
    const dataKiB = (regions[1]?.size ?? 0) / 1024;
    const additional = [
      `${info.family?.family ?? 'RL78 (family not in the table; sizes from the signature)'} · device code ${signature.deviceCode} · boot firmware ${signature.firmware}`,
      `Code Flash ${codeKiB} KiB at 0x00000, Data Flash ${dataKiB} KiB at 0xF1000 (1 KiB blocks)`,
      `${options.wiring === 'single-wire' ? 'Single-wire (TOOL0)' : 'Two-wire'} UART at ${entry.baud} Bd, RESET on ${options.reset.toUpperCase()}; CPU ${entry.answer.mhz} MHz, ${entry.answer.mode} mode`,
      securityText(security),
    ];
    if (info.codeKiB !== undefined && (info.codeKiB !== codeKiB || info.dataKiB !== dataKiB)) {
      additional.push(
        `The part number suggests ${info.codeKiB} KiB / ${info.dataKiB} KiB; the signature’s sizes are used.`,
      );
    }
    if (entry.note) additional.push(entry.note);
    return {
      link,
      signature,
      security,
      entry,
      regions,
      target: { name: signature.name, additional },
      known: new Rl78KnownContents(),
    };
  } catch (error) {
    await link.close();
    throw error;
  }
}
