/**
 * The `FlashDevice` structure of a CMSIS flash algorithm (FlashDev.c, section DevDscr), as the
 * CMSIS-Pack documentation lays it out (little-endian, natural alignment):
 *
 *   0 u16 Vers, 2 char DevName[128], 130 u16 DevType, 132 u32 DevAdr, 136 u32 szDev,
 *   140 u32 szPage, 144 u32 Res, 148 u8 valEmpty (+3 padding), 152 u32 toProg (ms),
 *   156 u32 toErase (ms), 160 FlashSectors[] = {u32 szSector, u32 AddrSector (offset from
 *   DevAdr)}, ended by {0xFFFFFFFF, 0xFFFFFFFF}.
 */
import { WebProgError } from '../errors';
import { latin1, latin1Bytes } from './bytes';
import { checkFlash, type CmsisFlash } from './algorithm';

/** Size of the fixed part of the structure. */
export const FLASH_DEVICE_HEADER = 160;
const SECTOR_END = 0xffffffff;

/** Decodes and checks a FlashDevice structure; `file` names it in errors. */
export function parseFlashDevice(bytes: Uint8Array, file: string): CmsisFlash {
  const fail = (why: string): never => {
    throw new WebProgError('FORMAT_INVALID', `${file}: its FlashDevice description ${why}.`, { file });
  };
  if (bytes.length < FLASH_DEVICE_HEADER + 8) fail(`is ${bytes.length} bytes long, too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (o: number) => view.getUint32(o, true);
  let nameEnd = 2;
  while (nameEnd < 130 && bytes[nameEnd] !== 0) nameEnd++;
  const name = latin1(bytes.subarray(2, nameEnd)).trim();
  const start = u32(132);
  const sectors: { address: number; size: number }[] = [];
  let at = FLASH_DEVICE_HEADER;
  for (;;) {
    if (at + 8 > bytes.length) fail('has no end marker after its sectors');
    const size = u32(at);
    const offset = u32(at + 4);
    if (size === SECTOR_END && offset === SECTOR_END) break;
    sectors.push({ address: start + offset, size });
    at += 8;
  }
  const flash: CmsisFlash = {
    name: name || 'Flash',
    start,
    size: u32(136),
    pageSize: u32(140),
    erasedValue: bytes[148],
    programTimeoutMs: u32(152),
    eraseTimeoutMs: u32(156),
    sectors,
  };
  checkFlash(flash, file);
  return flash;
}

/** Encodes a FlashDevice structure (for building our own algorithms and tests). */
export function encodeFlashDevice(flash: CmsisFlash, version = 0x0101, devType = 1): Uint8Array {
  const out = new Uint8Array(FLASH_DEVICE_HEADER + (flash.sectors.length + 1) * 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, version, true);
  out.set(latin1Bytes(flash.name.slice(0, 127)), 2);
  view.setUint16(130, devType, true);
  view.setUint32(132, flash.start, true);
  view.setUint32(136, flash.size, true);
  view.setUint32(140, flash.pageSize, true);
  out[148] = flash.erasedValue;
  view.setUint32(152, flash.programTimeoutMs, true);
  view.setUint32(156, flash.eraseTimeoutMs, true);
  flash.sectors.forEach((s, i) => {
    view.setUint32(FLASH_DEVICE_HEADER + i * 8, s.size, true);
    view.setUint32(FLASH_DEVICE_HEADER + i * 8 + 4, s.address - flash.start, true);
  });
  view.setUint32(out.length - 8, SECTOR_END, true);
  view.setUint32(out.length - 4, SECTOR_END, true);
  return out;
}
