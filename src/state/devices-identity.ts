/**
 * A device's identity as the device panel shows it: probe name, firmware and serial; the chip,
 * its flash size and regions; for a micro:bit the board version and friendly name. One pure
 * function, so the panel and the log describe a device the same way.
 */
import type { DeviceConnection, DeviceSummary } from '../../workers/device/device-api';
import { hexRange, shortSize } from './text';

/** One labelled line of a device's identity. */
export interface IdentityLine {
  /** Stable key (also the test id suffix). */
  key: 'probe' | 'firmware' | 'serial' | 'board' | 'name' | 'chip' | 'flash' | 'region';
  /** Label a person reads. */
  label: string;
  /** The value. */
  value: string;
  /** True for values shown in monospace (serials, addresses). */
  mono?: boolean;
}

/** The title a device is listed under: "micro:bit V2.00 · tupog", else the product name. */
export function deviceTitle(summary: DeviceSummary, connection?: DeviceConnection): string {
  if (summary.microbit) {
    const name = connection?.friendlyName;
    return name ? `${summary.microbit.name} · ${name}` : summary.microbit.name;
  }
  return summary.name;
}

/**
 * The chip's program flash in bytes, as its data sheet headlines it: the largest flash region
 * (an nRF52833's 512 KiB code flash, not 513 KiB with its UICR; an RL78's 64 KiB code flash
 * without its data flash). Every region is listed on its own line as well.
 */
export function programFlashBytes(connection: DeviceConnection): number {
  return connection.regions.filter((r) => r.kind === 'flash').reduce((n, r) => Math.max(n, r.size), 0);
}

/** The identity lines of a device; chip lines only once it is connected. */
export function identityLines(summary: DeviceSummary, connection?: DeviceConnection): IdentityLine[] {
  const lines: IdentityLine[] = [{ key: 'probe', label: 'Probe', value: summary.name }];
  const firmware = connection?.programmer.firmware;
  if (firmware) lines.push({ key: 'firmware', label: 'Firmware', value: firmwareText(summary, firmware) });
  if (summary.serial) lines.push({ key: 'serial', label: 'Serial', value: summary.serial, mono: true });
  if (summary.microbit) {
    const board = `${summary.microbit.name} (board id ${summary.microbit.boardId.toString(16).toUpperCase()})`;
    lines.push({ key: 'board', label: 'Board', value: board });
    if (connection?.friendlyName) lines.push({ key: 'name', label: 'Name', value: connection.friendlyName });
  }
  if (connection) {
    lines.push({ key: 'chip', label: 'Chip', value: connection.target.name });
    lines.push({ key: 'flash', label: 'Flash', value: shortSize(programFlashBytes(connection)) });
    for (const r of connection.regions) {
      lines.push({
        key: 'region',
        label: r.name,
        value: `${hexRange(r.base, r.base + r.size)} · ${shortSize(r.size)}${r.kind === 'flash' ? `, blocks of ${shortSize(r.eraseSize)}` : ''}`,
        mono: true,
      });
    }
  }
  return lines;
}

/** "DAPLink 0257" for DAPLink probes, else the version as reported. */
function firmwareText(summary: DeviceSummary, firmware: string): string {
  return /daplink|micro:bit/i.test(summary.name) && /^\d{4}$/.test(firmware)
    ? `DAPLink ${firmware}`
    : firmware;
}
