/** Types shared by the host-side checksums. */

/** Every checksum WebProg computes on the host. */
export type ChecksumAlgorithm =
  | 'crc32'
  | 'crc16-ccitt-false'
  | 'crc16-xmodem'
  | 'crc16-modbus'
  | 'crc8'
  | 'sum8'
  | 'sum16'
  | 'sum32'
  | 'sum16-rl78'
  | 'md5'
  | 'sha256';

/** What the UI's picker and the Lua API docs show about one algorithm. */
export interface ChecksumInfo {
  /** Stable identifier. */
  id: ChecksumAlgorithm;
  /** Short human name, e.g. "CRC-32". */
  label: string;
  /** Width of the result in bits. */
  bits: number;
  /** One sentence on what it is and where it is used. */
  description: string;
}

/** A computed checksum. */
export interface ChecksumResult {
  /** The algorithm that produced it. */
  algorithm: ChecksumAlgorithm;
  /** The value in lowercase hex, zero-padded to `bits / 4` digits (digest byte order for hashes). */
  hex: string;
  /** The value as an unsigned number, for algorithms of at most 32 bits. */
  value?: number;
}

/** An incremental checksum: feed bytes in any number of pieces, read the result at any time. */
export interface Checksummer {
  /** Feeds more bytes (the array is only read, never kept). */
  update(bytes: Uint8Array): void;
  /** The checksum of all bytes fed so far. May be called repeatedly; feeding may continue after. */
  digest(): ChecksumResult;
}
