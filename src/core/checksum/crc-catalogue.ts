/**
 * The CRC presets of Greg Cook's "Catalogue of parametrised CRC algorithms" (reveng, CRC
 * RevEng 3.0.x) for widths 8 to 32: name, Rocksoft-model parameters and the check value (the
 * CRC of the ASCII bytes "123456789"). Looked up by catalogue name or by one of the
 * catalogue's aliases ("CRC-32", "CRC-16/CCITT-FALSE", "MODBUS", …), case-insensitively, as
 * MultiProg's `mp.checksum.crc(preset, bytes)` takes them.
 */
import { WebProgError } from '../errors';
import type { CrcParams } from './crc-engine';

/** One preset of the catalogue. */
export interface CrcPreset extends CrcParams {
  /** The catalogue's name, e.g. "CRC-16/MODBUS". */
  name: string;
  /** The CRC of the ASCII bytes "123456789". */
  check: number;
}

type Row = [string, number, number, number, boolean, boolean, number, number];

/** name, width, poly, init, refin, refout, xorout, check — as the catalogue lists them. */
const ROWS: Row[] = [
  ['CRC-8/AUTOSAR', 8, 0x2f, 0xff, false, false, 0xff, 0xdf],
  ['CRC-8/BLUETOOTH', 8, 0xa7, 0x00, true, true, 0x00, 0x26],
  ['CRC-8/CDMA2000', 8, 0x9b, 0xff, false, false, 0x00, 0xda],
  ['CRC-8/DARC', 8, 0x39, 0x00, true, true, 0x00, 0x15],
  ['CRC-8/DVB-S2', 8, 0xd5, 0x00, false, false, 0x00, 0xbc],
  ['CRC-8/GSM-A', 8, 0x1d, 0x00, false, false, 0x00, 0x37],
  ['CRC-8/GSM-B', 8, 0x49, 0x00, false, false, 0xff, 0x94],
  ['CRC-8/HITAG', 8, 0x1d, 0xff, false, false, 0x00, 0xb4],
  ['CRC-8/I-432-1', 8, 0x07, 0x00, false, false, 0x55, 0xa1],
  ['CRC-8/I-CODE', 8, 0x1d, 0xfd, false, false, 0x00, 0x7e],
  ['CRC-8/LTE', 8, 0x9b, 0x00, false, false, 0x00, 0xea],
  ['CRC-8/MAXIM-DOW', 8, 0x31, 0x00, true, true, 0x00, 0xa1],
  ['CRC-8/MIFARE-MAD', 8, 0x1d, 0xc7, false, false, 0x00, 0x99],
  ['CRC-8/NRSC-5', 8, 0x31, 0xff, false, false, 0x00, 0xf7],
  ['CRC-8/OPENSAFETY', 8, 0x2f, 0x00, false, false, 0x00, 0x3e],
  ['CRC-8/ROHC', 8, 0x07, 0xff, true, true, 0x00, 0xd0],
  ['CRC-8/SAE-J1850', 8, 0x1d, 0xff, false, false, 0xff, 0x4b],
  ['CRC-8/SMBUS', 8, 0x07, 0x00, false, false, 0x00, 0xf4],
  ['CRC-8/TECH-3250', 8, 0x1d, 0xff, true, true, 0x00, 0x97],
  ['CRC-8/WCDMA', 8, 0x9b, 0x00, true, true, 0x00, 0x25],
  ['CRC-10/ATM', 10, 0x233, 0x000, false, false, 0x000, 0x199],
  ['CRC-10/CDMA2000', 10, 0x3d9, 0x3ff, false, false, 0x000, 0x233],
  ['CRC-10/GSM', 10, 0x175, 0x000, false, false, 0x3ff, 0x12a],
  ['CRC-11/FLEXRAY', 11, 0x385, 0x01a, false, false, 0x000, 0x5a3],
  ['CRC-11/UMTS', 11, 0x307, 0x000, false, false, 0x000, 0x061],
  ['CRC-12/CDMA2000', 12, 0xf13, 0xfff, false, false, 0x000, 0xd4d],
  ['CRC-12/DECT', 12, 0x80f, 0x000, false, false, 0x000, 0xf5b],
  ['CRC-12/GSM', 12, 0xd31, 0x000, false, false, 0xfff, 0xb34],
  ['CRC-12/UMTS', 12, 0x80f, 0x000, false, true, 0x000, 0xdaf],
  ['CRC-13/BBC', 13, 0x1cf5, 0x0000, false, false, 0x0000, 0x04fa],
  ['CRC-14/DARC', 14, 0x0805, 0x0000, true, true, 0x0000, 0x082d],
  ['CRC-14/GSM', 14, 0x202d, 0x0000, false, false, 0x3fff, 0x30ae],
  ['CRC-15/CAN', 15, 0x4599, 0x0000, false, false, 0x0000, 0x059e],
  ['CRC-15/MPT1327', 15, 0x6815, 0x0000, false, false, 0x0001, 0x2566],
  ['CRC-16/ARC', 16, 0x8005, 0x0000, true, true, 0x0000, 0xbb3d],
  ['CRC-16/CDMA2000', 16, 0xc867, 0xffff, false, false, 0x0000, 0x4c06],
  ['CRC-16/CMS', 16, 0x8005, 0xffff, false, false, 0x0000, 0xaee7],
  ['CRC-16/DDS-110', 16, 0x8005, 0x800d, false, false, 0x0000, 0x9ecf],
  ['CRC-16/DECT-R', 16, 0x0589, 0x0000, false, false, 0x0001, 0x007e],
  ['CRC-16/DECT-X', 16, 0x0589, 0x0000, false, false, 0x0000, 0x007f],
  ['CRC-16/DNP', 16, 0x3d65, 0x0000, true, true, 0xffff, 0xea82],
  ['CRC-16/EN-13757', 16, 0x3d65, 0x0000, false, false, 0xffff, 0xc2b7],
  ['CRC-16/GENIBUS', 16, 0x1021, 0xffff, false, false, 0xffff, 0xd64e],
  ['CRC-16/GSM', 16, 0x1021, 0x0000, false, false, 0xffff, 0xce3c],
  ['CRC-16/IBM-3740', 16, 0x1021, 0xffff, false, false, 0x0000, 0x29b1],
  ['CRC-16/IBM-SDLC', 16, 0x1021, 0xffff, true, true, 0xffff, 0x906e],
  ['CRC-16/ISO-IEC-14443-3-A', 16, 0x1021, 0xc6c6, true, true, 0x0000, 0xbf05],
  ['CRC-16/KERMIT', 16, 0x1021, 0x0000, true, true, 0x0000, 0x2189],
  ['CRC-16/LJ1200', 16, 0x6f63, 0x0000, false, false, 0x0000, 0xbdf4],
  ['CRC-16/M17', 16, 0x5935, 0xffff, false, false, 0x0000, 0x772b],
  ['CRC-16/MAXIM-DOW', 16, 0x8005, 0x0000, true, true, 0xffff, 0x44c2],
  ['CRC-16/MCRF4XX', 16, 0x1021, 0xffff, true, true, 0x0000, 0x6f91],
  ['CRC-16/MODBUS', 16, 0x8005, 0xffff, true, true, 0x0000, 0x4b37],
  ['CRC-16/NRSC-5', 16, 0x080b, 0xffff, true, true, 0x0000, 0xa066],
  ['CRC-16/OPENSAFETY-A', 16, 0x5935, 0x0000, false, false, 0x0000, 0x5d38],
  ['CRC-16/OPENSAFETY-B', 16, 0x755b, 0x0000, false, false, 0x0000, 0x20fe],
  ['CRC-16/PROFIBUS', 16, 0x1dcf, 0xffff, false, false, 0xffff, 0xa819],
  ['CRC-16/RIELLO', 16, 0x1021, 0xb2aa, true, true, 0x0000, 0x63d0],
  ['CRC-16/SPI-FUJITSU', 16, 0x1021, 0x1d0f, false, false, 0x0000, 0xe5cc],
  ['CRC-16/T10-DIF', 16, 0x8bb7, 0x0000, false, false, 0x0000, 0xd0db],
  ['CRC-16/TELEDISK', 16, 0xa097, 0x0000, false, false, 0x0000, 0x0fb3],
  ['CRC-16/TMS37157', 16, 0x1021, 0x89ec, true, true, 0x0000, 0x26b1],
  ['CRC-16/UMTS', 16, 0x8005, 0x0000, false, false, 0x0000, 0xfee8],
  ['CRC-16/USB', 16, 0x8005, 0xffff, true, true, 0xffff, 0xb4c8],
  ['CRC-16/XMODEM', 16, 0x1021, 0x0000, false, false, 0x0000, 0x31c3],
  ['CRC-17/CAN-FD', 17, 0x1685b, 0x00000, false, false, 0x00000, 0x04f03],
  ['CRC-21/CAN-FD', 21, 0x102899, 0x000000, false, false, 0x000000, 0x0ed841],
  ['CRC-24/BLE', 24, 0x00065b, 0x555555, true, true, 0x000000, 0xc25a56],
  ['CRC-24/FLEXRAY-A', 24, 0x5d6dcb, 0xfedcba, false, false, 0x000000, 0x7979bd],
  ['CRC-24/FLEXRAY-B', 24, 0x5d6dcb, 0xabcdef, false, false, 0x000000, 0x1f23b8],
  ['CRC-24/INTERLAKEN', 24, 0x328b63, 0xffffff, false, false, 0xffffff, 0xb4f3e6],
  ['CRC-24/LTE-A', 24, 0x864cfb, 0x000000, false, false, 0x000000, 0xcde703],
  ['CRC-24/LTE-B', 24, 0x800063, 0x000000, false, false, 0x000000, 0x23ef52],
  ['CRC-24/OPENPGP', 24, 0x864cfb, 0xb704ce, false, false, 0x000000, 0x21cf02],
  ['CRC-24/OS-9', 24, 0x800063, 0xffffff, false, false, 0xffffff, 0x200fa5],
  ['CRC-30/CDMA', 30, 0x2030b9c7, 0x3fffffff, false, false, 0x3fffffff, 0x04c34abf],
  ['CRC-31/PHILIPS', 31, 0x04c11db7, 0x7fffffff, false, false, 0x7fffffff, 0x0ce9e46c],
  ['CRC-32/AIXM', 32, 0x814141ab, 0x00000000, false, false, 0x00000000, 0x3010bf7f],
  ['CRC-32/AUTOSAR', 32, 0xf4acfb13, 0xffffffff, true, true, 0xffffffff, 0x1697d06a],
  ['CRC-32/BASE91-D', 32, 0xa833982b, 0xffffffff, true, true, 0xffffffff, 0x87315576],
  ['CRC-32/BZIP2', 32, 0x04c11db7, 0xffffffff, false, false, 0xffffffff, 0xfc891918],
  ['CRC-32/CD-ROM-EDC', 32, 0x8001801b, 0x00000000, true, true, 0x00000000, 0x6ec2edc4],
  ['CRC-32/CKSUM', 32, 0x04c11db7, 0x00000000, false, false, 0xffffffff, 0x765e7680],
  ['CRC-32/ISCSI', 32, 0x1edc6f41, 0xffffffff, true, true, 0xffffffff, 0xe3069283],
  ['CRC-32/ISO-HDLC', 32, 0x04c11db7, 0xffffffff, true, true, 0xffffffff, 0xcbf43926],
  ['CRC-32/JAMCRC', 32, 0x04c11db7, 0xffffffff, true, true, 0x00000000, 0x340bc6d9],
  ['CRC-32/MEF', 32, 0x741b8cd7, 0xffffffff, true, true, 0x00000000, 0xd2c22f51],
  ['CRC-32/MPEG-2', 32, 0x04c11db7, 0xffffffff, false, false, 0x00000000, 0x0376e6e7],
  ['CRC-32/XFER', 32, 0x000000af, 0x00000000, false, false, 0x00000000, 0xbd0be338],
];

/** The catalogue's aliases (and a few names other tools use) → catalogue names. */
const ALIASES: Record<string, string> = {
  'CRC-8': 'CRC-8/SMBUS',
  'CRC-8/ITU': 'CRC-8/I-432-1',
  'CRC-8/MAXIM': 'CRC-8/MAXIM-DOW',
  'DOW-CRC': 'CRC-8/MAXIM-DOW',
  'CRC-8/AES': 'CRC-8/TECH-3250',
  'CRC-8/EBU': 'CRC-8/TECH-3250',
  'CRC-10': 'CRC-10/ATM',
  'CRC-10/I-610': 'CRC-10/ATM',
  'CRC-11': 'CRC-11/FLEXRAY',
  'CRC-12/3GPP': 'CRC-12/UMTS',
  'X-CRC-12': 'CRC-12/DECT',
  'CRC-15': 'CRC-15/CAN',
  'CRC-16': 'CRC-16/ARC',
  ARC: 'CRC-16/ARC',
  'CRC-16/LHA': 'CRC-16/ARC',
  'CRC-IBM': 'CRC-16/ARC',
  'CRC-16/CCITT-FALSE': 'CRC-16/IBM-3740',
  'CRC-16/AUTOSAR': 'CRC-16/IBM-3740',
  'CRC-16/X-25': 'CRC-16/IBM-SDLC',
  'CRC-16/ISO-HDLC': 'CRC-16/IBM-SDLC',
  'CRC-16/ISO-IEC-14443-3-B': 'CRC-16/IBM-SDLC',
  'CRC-B': 'CRC-16/IBM-SDLC',
  'X-25': 'CRC-16/IBM-SDLC',
  'CRC-A': 'CRC-16/ISO-IEC-14443-3-A',
  'CRC-16/CCITT': 'CRC-16/KERMIT',
  'CRC-16/CCITT-TRUE': 'CRC-16/KERMIT',
  'CRC-16/BLUETOOTH': 'CRC-16/KERMIT',
  'CRC-16/V-41-LSB': 'CRC-16/KERMIT',
  'CRC-CCITT': 'CRC-16/KERMIT',
  KERMIT: 'CRC-16/KERMIT',
  'CRC-16/ACORN': 'CRC-16/XMODEM',
  'CRC-16/LTE': 'CRC-16/XMODEM',
  'CRC-16/V-41-MSB': 'CRC-16/XMODEM',
  XMODEM: 'CRC-16/XMODEM',
  ZMODEM: 'CRC-16/XMODEM',
  'CRC-16/AUG-CCITT': 'CRC-16/SPI-FUJITSU',
  'CRC-16/BUYPASS': 'CRC-16/UMTS',
  'CRC-16/VERIFONE': 'CRC-16/UMTS',
  'CRC-16/MAXIM': 'CRC-16/MAXIM-DOW',
  'CRC-16/DARC': 'CRC-16/GENIBUS',
  'CRC-16/EPC': 'CRC-16/GENIBUS',
  'CRC-16/I-CODE': 'CRC-16/GENIBUS',
  'CRC-16/EPC-C1G2': 'CRC-16/GENIBUS',
  'R-CRC-16': 'CRC-16/DECT-R',
  'X-CRC-16': 'CRC-16/DECT-X',
  MODBUS: 'CRC-16/MODBUS',
  'CRC-24': 'CRC-24/OPENPGP',
  'CRC-32': 'CRC-32/ISO-HDLC',
  'CRC-32/ADCCP': 'CRC-32/ISO-HDLC',
  'CRC-32/V-42': 'CRC-32/ISO-HDLC',
  'CRC-32/XZ': 'CRC-32/ISO-HDLC',
  PKZIP: 'CRC-32/ISO-HDLC',
  'CRC-32C': 'CRC-32/ISCSI',
  'CRC-32/BASE91-C': 'CRC-32/ISCSI',
  'CRC-32/CASTAGNOLI': 'CRC-32/ISCSI',
  'CRC-32/INTERLAKEN': 'CRC-32/ISCSI',
  'CRC-32D': 'CRC-32/BASE91-D',
  'CRC-32Q': 'CRC-32/AIXM',
  'CRC-32/POSIX': 'CRC-32/CKSUM',
  CKSUM: 'CRC-32/CKSUM',
  'CRC-32/AAL5': 'CRC-32/BZIP2',
  'CRC-32/DECT-B': 'CRC-32/BZIP2',
  'B-CRC-32': 'CRC-32/BZIP2',
  JAMCRC: 'CRC-32/JAMCRC',
  XFER: 'CRC-32/XFER',
  // WebProg's own checksum ids.
  CRC32: 'CRC-32/ISO-HDLC',
  'CRC16-CCITT-FALSE': 'CRC-16/IBM-3740',
  'CRC16-XMODEM': 'CRC-16/XMODEM',
  'CRC16-MODBUS': 'CRC-16/MODBUS',
  CRC8: 'CRC-8/SMBUS',
};

/** Every preset, in catalogue order (frozen). */
export const CRC_PRESETS: readonly Readonly<CrcPreset>[] = Object.freeze(
  ROWS.map(([name, width, poly, init, refin, refout, xorout, check]) =>
    Object.freeze({ name, width, poly, init, refin, refout, xorout, check }),
  ),
);

const BY_NAME = new Map(CRC_PRESETS.map((p) => [p.name.toUpperCase(), p]));

/** The preset named `name` (catalogue name or alias, any case), or undefined. */
export function findCrcPreset(name: string): Readonly<CrcPreset> | undefined {
  const key = name.trim().toUpperCase();
  return BY_NAME.get(key) ?? BY_NAME.get((ALIASES[key] ?? '').toUpperCase());
}

/** The preset named `name`; throws `INVALID_ARGUMENT` naming a few close names when unknown. */
export function crcPreset(name: string): Readonly<CrcPreset> {
  const preset = findCrcPreset(name);
  if (preset) return preset;
  const width = /CRC-?(\d+)/i.exec(name)?.[1];
  const near = CRC_PRESETS.filter((p) => width !== undefined && p.width === Number(width)).map((p) => p.name);
  const hint =
    near.length > 0 ? ` CRC-${width} presets: ${near.join(', ')}.` : ' See mp.checksum.list_crc_presets().';
  throw new WebProgError('INVALID_ARGUMENT', `Unknown CRC preset "${name}".${hint}`);
}

/** The CRC's value as MultiProg shows it: "0x" and upper-case hex digits, width/4 rounded up. */
export function crcHex(value: number, width: number): string {
  return (
    '0x' +
    value
      .toString(16)
      .toUpperCase()
      .padStart(Math.ceil(width / 4), '0')
  );
}
