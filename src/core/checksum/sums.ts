/**
 * Plain byte sums: the 8-, 16- and 32-bit sums of the bytes, and the Renesas RL78 / NEC 78K0
 * flash "checksum" (the two's complement of the 16-bit byte sum).
 */

/** How a running byte sum is turned into the reported value. */
export type SumKind = 'sum8' | 'sum16' | 'sum32' | 'sum16-rl78';

/** An incremental byte sum. */
export class ByteSum {
  private readonly kind: SumKind;
  /** The running sum modulo 2^32. */
  private total = 0;

  /** Starts an empty sum of kind `kind`. */
  constructor(kind: SumKind) {
    this.kind = kind;
  }

  /** Adds the bytes. */
  update(bytes: Uint8Array): void {
    // A plain number stays exact: even 2^32 bytes of 0xFF sum to less than 2^53.
    let s = 0;
    for (let i = 0; i < bytes.length; i++) s += bytes[i];
    this.total = (this.total + (s % 0x1_0000_0000)) % 0x1_0000_0000;
  }

  /** The checksum of every byte added so far, as an unsigned number. Does not change the state. */
  value(): number {
    switch (this.kind) {
      case 'sum8':
        return this.total & 0xff;
      case 'sum16':
        return this.total & 0xffff;
      case 'sum32':
        return this.total >>> 0;
      case 'sum16-rl78':
        return rl78Checksum(this.total);
    }
  }
}

/**
 * The value the RL78 (and NEC 78K0/Kx2) boot firmware's Checksum command (0xB0) returns for a
 * range: `(0 − Σ bytes) & 0xFFFF`, from rl78flash's `rl78_checksum` as summarised in
 * `renesas-stlink-usbdm.md` ("On-chip checksum"). MultiProg's `sum_rl78` is taken to be the same.
 */
function rl78Checksum(byteSum: number): number {
  return (0x10000 - (byteSum & 0xffff)) & 0xffff;
}
