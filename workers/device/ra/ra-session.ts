/**
 * Connecting to an RA chip in boot mode: on an Arduino Uno R4 WiFi first the bridge's boot-mode
 * entry (`ra-entry.ts`), then open the port, the handshake (0x00 until the chip
 * answers 0x00, then 0x55 → boot code; on UART at 9600 baud, on USB CDC too), inquiry, signature, area information for every area, ID authentication when a code is
 * given (never retried: the chip counts failed attempts), the DLM state and TrustZone boundary
 * where the chip has them, and on UART the switch to the fastest baud rate the chip recommends.
 */
import { WebProgError } from '../../../src/core/errors';
import type { TargetInfo } from '../backend';
import { DLM_STATES, RaBootClient, type RaBoundary, type RaSignature } from './ra-commands';
import { bootEntryOf, enterBootMode, isUnoR4Wifi, type RaBootEntry } from './ra-entry';
import { layoutOf, type RaLayout } from './ra-layout';
import { RaLink } from './ra-link';

/** USB vendor / product id of the RA boot firmware's own USB CDC port. */
export const RA_BOOT_USB = { vendorId: 0x045b, productId: 0x0261 } as const;

/** How the chip is reached. */
export type RaTransport = 'usb' | 'uart';

/** A connected chip. */
export interface RaSession {
  link: RaLink;
  client: RaBootClient;
  layout: RaLayout;
  signature: RaSignature;
  transport: RaTransport;
  /** DLM state code (parts with DLM). */
  dlm?: number;
  /** TrustZone boundary (parts with TrustZone). */
  boundary?: RaBoundary;
  target: TargetInfo;
}

/** Options of a connect. */
export interface RaConnectOptions {
  /** 'usb' or 'uart' (default: 'usb' for the Renesas CDC ids, else 'uart'). */
  transport?: RaTransport;
  /** Highest UART baud rate to use (default: the signature's recommended maximum). */
  maxBaud?: number;
  /** The 16-byte ID code to authenticate with. */
  idCode?: Uint8Array;
  /** How to put the chip into boot mode first (default: {@link bootEntryOf} the port). */
  entry?: RaBootEntry;
}

/** The transport a port implies. */
export function transportOf(port: SerialPort): RaTransport {
  const info = port.getInfo();
  return info.usbVendorId === RA_BOOT_USB.vendorId && info.usbProductId === RA_BOOT_USB.productId
    ? 'usb'
    : 'uart';
}

/**
 * True for ports that lead to an RA chip by their USB ids alone: the boot firmware's own CDC
 * port, and the Arduino Uno R4 WiFi's bridge to its RA4M1.
 */
export function isRaByIds(port: SerialPort): boolean {
  return transportOf(port) === 'usb' || isUnoR4Wifi(port);
}

/** Parses an ID code typed as 32 hex digits (spaces and 0x allowed). */
export function parseIdCode(text: string): Uint8Array {
  const hex = text.replace(/0x/gi, '').replace(/[\s:_-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new WebProgError('INVALID_ARGUMENT', 'The ID code must be 16 bytes written as 32 hex digits.');
  }
  return Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

/** Connects; the port is closed again when anything fails. */
export async function openSession(port: SerialPort, options: RaConnectOptions): Promise<RaSession> {
  const transport = options.transport ?? transportOf(port);
  if (transport === 'uart') await enterBootMode(port, options.entry ?? bootEntryOf(port));
  const link = await RaLink.open(port, transport === 'usb' ? 115200 : 9600);
  try {
    const client = new RaBootClient(link);
    // The handshake on USB CDC as on UART (Renesas: the boot firmware waits for 0x00 on either
    // interface; raflash and radfu do it on USB too).
    try {
      await client.handshake();
    } catch (error) {
      // A chip still in its command phase from an earlier session ignores the handshake.
      if (!(error instanceof WebProgError) || error.code !== 'BOOT_MODE_REQUIRED') throw error;
      link.discard();
      await client.inquiry().catch(() => {
        throw error;
      });
    }
    await inquire(client);
    const signature = await client.signature();
    const areas = [];
    for (let n = 0; n < signature.areaCount; n++) areas.push(await client.area(n));
    const layout = layoutOf(areas);
    await authenticate(client, layout, options.idCode);
    const dlm = await client.dlm();
    const boundary = dlm === undefined ? undefined : await client.boundary();
    if (transport === 'uart') {
      const baud = Math.min(signature.maxBaud, options.maxBaud ?? signature.maxBaud);
      if (baud > 9600) {
        await client.setBaud(baud);
        await link.reopen(baud);
        await client.inquiry();
      }
    }
    return {
      link,
      client,
      layout,
      signature,
      transport,
      ...(dlm !== undefined ? { dlm } : {}),
      ...(boundary !== undefined ? { boundary } : {}),
      target: targetInfo(signature, layout, transport, link.baud, dlm, boundary),
    };
  } catch (error) {
    await link.close();
    throw error;
  }
}

/**
 * Inquiry, once more when the first answer is a flow error: a chip left in the middle of a
 * write or read by an interrupted session answers the first command with ERR_FLOW.
 */
async function inquire(client: RaBootClient): Promise<void> {
  try {
    await client.inquiry();
  } catch (error) {
    if (!(error instanceof WebProgError) || error.code !== 'DEVICE_PROTOCOL') throw error;
    client.link.discard();
    await client.inquiry();
  }
}

async function authenticate(
  client: RaBootClient,
  layout: RaLayout,
  idCode: Uint8Array | undefined,
): Promise<void> {
  if (idCode) {
    try {
      await client.authenticate(idCode);
    } catch (error) {
      if (error instanceof WebProgError && error.code === 'DEVICE_LOCKED') {
        throw new WebProgError(
          'DEVICE_LOCKED',
          `The chip rejected the ID code. It counts failed attempts (and may stop accepting boot-mode commands after too many), so WebProg did not try again: check the 16-byte ID code and connect once more. (${error.message})`,
          { cause: error },
        );
      }
      throw error;
    }
    return;
  }
  // Without a code: a protected chip refuses to read (ERR_PROT).
  const first = layout.areas[0];
  if (!first) return;
  try {
    await client.read(first.start, Math.max(1, first.rau));
  } catch (error) {
    if (error instanceof WebProgError && error.code === 'DEVICE_LOCKED') {
      throw new WebProgError(
        'DEVICE_LOCKED',
        'The chip is protected by an ID code: enter its 16-byte ID code (32 hex digits) to connect. The chip counts wrong codes.',
        { cause: error },
      );
    }
    throw error;
  }
}

function targetInfo(
  sig: RaSignature,
  layout: RaLayout,
  transport: RaTransport,
  baud: number,
  dlm: number | undefined,
  boundary: RaBoundary | undefined,
): TargetInfo {
  const kib = (n: number) => `${n / 1024} KiB`;
  const additional = [
    `Boot firmware ${sig.bootFirmware}, ${transport === 'usb' ? 'USB CDC' : `UART at ${baud} baud`} (recommended maximum ${sig.maxBaud} baud)`,
    ...layout.regions.map((r) => `${r.name}: 0x${r.base.toString(16).padStart(8, '0')}, ${kib(r.size)}`),
    ...layout.areas.map(
      (a) =>
        `Area ${a.number} (KOA 0x${a.koa.toString(16).padStart(2, '0')}): erase ${a.eau}, write ${a.wau}` +
        (a.cauAssumed ? ' bytes (read and CRC units not reported)' : `, read ${a.rau}, CRC ${a.cau} bytes`),
    ),
  ];
  if (dlm !== undefined) additional.push(`Lifecycle (DLM): ${DLM_STATES[dlm] ?? `0x${dlm.toString(16)}`}`);
  if (boundary) {
    additional.push(
      `TrustZone boundary: secure code flash ${boundary.cfs1} KiB (+${boundary.cfs2 - boundary.cfs1} KiB NSC), secure data flash ${boundary.dfs} KiB, secure SRAM ${boundary.srs1} KiB (+${boundary.srs2 - boundary.srs1} KiB NSC)`,
    );
  }
  if (sig.deviceId) additional.push(`Device ID: ${sig.deviceId}`);
  return { name: sig.productName || seriesName(sig, layout), additional };
}

/** Device groups by the signature's TYP byte (the short and the long layout number them apart). */
const SERIES: Record<number, string> = { 0x02: 'RA2/RA4', 0x03: 'RA6' };

/** A name for a chip whose signature has no product name (RA2/RA4 parts): series and code flash. */
function seriesName(sig: RaSignature, layout: RaLayout): string {
  const code = layout.regions.find((r) => r.name === 'Code Flash');
  const size = code ? ` with ${code.size / 1024} KiB code flash` : '';
  return `Renesas ${SERIES[sig.typ] ?? 'RA'}${size}`;
}
