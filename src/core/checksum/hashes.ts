/**
 * MD5 and SHA-256 through `@noble/hashes` (audited, dependency-free; MD5 lives in its `legacy`
 * module). MD5 is what the ESP ROM and stub report for SPI_FLASH_MD5.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** The cryptographic hashes offered as checksums. */
export type HashKind = 'md5' | 'sha256';

/** The part of a noble hash instance used here. */
interface NobleHash {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): NobleHash;
}

/** An incremental MD5 or SHA-256 whose digest can be read without ending the stream. */
export class StreamingHash {
  private readonly hash: NobleHash;

  /** Starts an empty hash of kind `kind`. */
  constructor(kind: HashKind) {
    this.hash = kind === 'md5' ? md5.create() : sha256.create();
  }

  /** Feeds more bytes. */
  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  /** The digest of every byte fed so far, as lowercase hex. Does not change the state. */
  hex(): string {
    return bytesToHex(this.hash.clone().digest());
  }
}
