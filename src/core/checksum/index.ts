/**
 * Host-side checksums: CRCs, byte sums, the RL78 sum, MD5 and SHA-256 over bytes, sparse data
 * ranges and memory-image regions.
 *
 * @example
 * checksum('crc32', bytes).hex;                           // 'cbf43926' for "123456789"
 * checksumRegion(image, 'Code Flash', 'sha256').hex;      // gaps read as the region's fill
 * crc32(block) === (await algorithm.blockChecksum(a, n)); // the flash engine's skip test
 */
export type { ChecksumAlgorithm, ChecksumInfo, ChecksumResult, Checksummer } from './types';
export { CHECKSUMS, checksum, checksumInfo, createChecksum } from './checksums';
export { checksumRange, checksumRegion, feedRange } from './range';
export { CRC_PRESETS, crcHex, crcPreset, findCrcPreset, type CrcPreset } from './crc-catalogue';
export { adler32, bcc, fletcher16, fletcher32, lrc } from './classic';
export { crc32 } from './crc32';
export { CrcEngine, crcOf, type CrcParams } from './crc-engine';
