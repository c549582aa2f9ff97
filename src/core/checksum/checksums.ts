/**
 * The checksum catalogue and the factory behind every host-side checksum.
 *
 * @example
 * const c = createChecksum('crc16-modbus');
 * c.update(part1);
 * c.update(part2);
 * c.digest(); // { algorithm: 'crc16-modbus', hex: '4b37', value: 0x4b37 } for "123456789"
 */
import { WebProgError } from '../errors';
import { CrcEngine, type CrcParams } from './crc-engine';
import { crc32 } from './crc32';
import { StreamingHash } from './hashes';
import { ByteSum } from './sums';
import type { ChecksumAlgorithm, ChecksumInfo, ChecksumResult, Checksummer } from './types';

/** The catalogue entries (frozen into {@link CHECKSUMS}). */
const CATALOGUE: ChecksumInfo[] = [
  {
    id: 'crc32',
    label: 'CRC-32',
    bits: 32,
    description: 'CRC-32/ISO-HDLC as in zip, PNG and Ethernet; the on-chip verify CRC of the flash engine.',
  },
  {
    id: 'crc16-ccitt-false',
    label: 'CRC-16/CCITT-FALSE',
    bits: 16,
    description: 'Polynomial 0x1021, initial value 0xFFFF, not reflected (also called CRC-16/IBM-3740).',
  },
  {
    id: 'crc16-xmodem',
    label: 'CRC-16/XMODEM',
    bits: 16,
    description: 'Polynomial 0x1021, initial value 0, not reflected; used by XMODEM and many bootloaders.',
  },
  {
    id: 'crc16-modbus',
    label: 'CRC-16/MODBUS',
    bits: 16,
    description: 'Polynomial 0x8005 reflected, initial value 0xFFFF; the Modbus RTU frame check.',
  },
  {
    id: 'crc8',
    label: 'CRC-8',
    bits: 8,
    description: 'CRC-8/SMBUS: polynomial 0x07, initial value 0, not reflected.',
  },
  { id: 'sum8', label: 'Sum-8', bits: 8, description: 'Sum of all bytes modulo 256.' },
  { id: 'sum16', label: 'Sum-16', bits: 16, description: 'Sum of all bytes modulo 65536.' },
  { id: 'sum32', label: 'Sum-32', bits: 32, description: 'Sum of all bytes modulo 2^32.' },
  {
    id: 'sum16-rl78',
    label: 'RL78 / 78K0 sum',
    bits: 16,
    description:
      'Two’s complement of the 16-bit byte sum, (0 − Σ bytes) & 0xFFFF: what the Renesas RL78 / NEC 78K0 boot firmware’s Checksum command returns.',
  },
  {
    id: 'md5',
    label: 'MD5',
    bits: 128,
    description: 'MD5 digest; what the ESP bootloader reports for a flash range.',
  },
  { id: 'sha256', label: 'SHA-256', bits: 256, description: 'SHA-256 digest.' },
];

/** Every algorithm, in the order the UI lists them (frozen). */
export const CHECKSUMS: readonly Readonly<ChecksumInfo>[] = Object.freeze(
  CATALOGUE.map((info) => Object.freeze(info)),
);

/** Rocksoft-model parameters of the CRC-16 and CRC-8 presets (reveng catalogue). */
const CRC_PRESETS = {
  'crc16-ccitt-false': { width: 16, poly: 0x1021, init: 0xffff, refin: false, refout: false, xorout: 0 },
  'crc16-xmodem': { width: 16, poly: 0x1021, init: 0x0000, refin: false, refout: false, xorout: 0 },
  'crc16-modbus': { width: 16, poly: 0x8005, init: 0xffff, refin: true, refout: true, xorout: 0 },
  crc8: { width: 8, poly: 0x07, init: 0x00, refin: false, refout: false, xorout: 0 },
} as const satisfies Record<string, CrcParams>;

/** The catalogue entry of `algorithm`; throws `INVALID_ARGUMENT` for an unknown id. */
export function checksumInfo(algorithm: ChecksumAlgorithm): Readonly<ChecksumInfo> {
  const info = CHECKSUMS.find((c) => c.id === algorithm);
  if (!info) {
    const known = CHECKSUMS.map((c) => c.id).join(', ');
    throw new WebProgError('INVALID_ARGUMENT', `Unknown checksum "${String(algorithm)}" (known: ${known}).`);
  }
  return info;
}

/** Starts an incremental checksum. Throws `INVALID_ARGUMENT` for an unknown algorithm. */
export function createChecksum(algorithm: ChecksumAlgorithm): Checksummer {
  const { bits } = checksumInfo(algorithm);
  switch (algorithm) {
    case 'crc32': {
      let crc = 0;
      return numeric(
        algorithm,
        bits,
        (b) => (crc = crc32(b, crc)),
        () => crc,
      );
    }
    case 'crc16-ccitt-false':
    case 'crc16-xmodem':
    case 'crc16-modbus':
    case 'crc8': {
      const engine = new CrcEngine(CRC_PRESETS[algorithm]);
      return numeric(
        algorithm,
        bits,
        (b) => engine.update(b),
        () => engine.value(),
      );
    }
    case 'sum8':
    case 'sum16':
    case 'sum32':
    case 'sum16-rl78': {
      const sum = new ByteSum(algorithm);
      return numeric(
        algorithm,
        bits,
        (b) => sum.update(b),
        () => sum.value(),
      );
    }
    case 'md5':
    case 'sha256': {
      const hash = new StreamingHash(algorithm);
      return {
        update: (bytes) => hash.update(bytes),
        digest: () => ({ algorithm, hex: hash.hex() }),
      };
    }
  }
}

/** The checksum of `bytes` in one call. */
export function checksum(algorithm: ChecksumAlgorithm, bytes: Uint8Array): ChecksumResult {
  const c = createChecksum(algorithm);
  c.update(bytes);
  return c.digest();
}

/** A checksummer for an algorithm whose result fits in a number. */
function numeric(
  algorithm: ChecksumAlgorithm,
  bits: number,
  update: (bytes: Uint8Array) => void,
  value: () => number,
): Checksummer {
  return {
    update,
    digest: () => {
      const v = value();
      return { algorithm, hex: v.toString(16).padStart(bits / 4, '0'), value: v };
    },
  };
}
