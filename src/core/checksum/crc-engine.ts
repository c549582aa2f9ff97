/**
 * A parameterised CRC in the Rocksoft model (width, poly, init, refin, refout, xorout) for
 * widths of 8 to 32 bits, byte-at-a-time through one 256-entry table.
 *
 * Model and table algorithm from Ross N. Williams, "A Painless Guide to CRC Error Detection
 * Algorithms" (1993, sections 9–15, the Rocksoft^tm Model CRC Algorithm); parameter names and
 * check values follow Greg Cook's "Catalogue of parametrised CRC algorithms" (reveng).
 *
 * @example
 * const crc = new CrcEngine({ width: 16, poly: 0x1021, init: 0xffff, refin: false, refout: false, xorout: 0 });
 * crc.update(new TextEncoder().encode('123456789'));
 * crc.value(); // 0x29b1 (CRC-16/CCITT-FALSE)
 */
import { WebProgError } from '../errors';

/** The Rocksoft-model parameters of a CRC. */
export interface CrcParams {
  /** Register width in bits, 8 to 32. */
  width: number;
  /** Generator polynomial, normal (MSB-first) form, without the top bit. */
  poly: number;
  /** Register value before the first byte (unreflected). */
  init: number;
  /** True when each input byte is processed least significant bit first. */
  refin: boolean;
  /** True when the register is reflected before the final XOR. */
  refout: boolean;
  /** Value XORed into the result. */
  xorout: number;
}

/** An incremental CRC over the parameters it was built with. */
export class CrcEngine {
  private readonly params: CrcParams;
  private readonly mask: number;
  private readonly table: Uint32Array;
  private register: number;

  /** Checks the parameters and builds the lookup table. Throws `INVALID_ARGUMENT` when invalid. */
  constructor(params: CrcParams) {
    checkParams(params);
    this.params = { ...params };
    this.mask = maskOf(params.width);
    this.table = buildTable(params, this.mask);
    this.register = (params.refin ? reflect(params.init, params.width) : params.init) >>> 0;
  }

  /** Feeds more bytes. */
  update(bytes: Uint8Array): void {
    const t = this.table;
    let c = this.register;
    if (this.params.refin) {
      for (let i = 0; i < bytes.length; i++) c = (c >>> 8) ^ t[(c ^ bytes[i]) & 0xff];
    } else {
      const shift = this.params.width - 8;
      const mask = this.mask;
      for (let i = 0; i < bytes.length; i++) {
        c = (((c << 8) & mask) ^ t[((c >>> shift) ^ bytes[i]) & 0xff]) >>> 0;
      }
    }
    this.register = c >>> 0;
  }

  /** The CRC of every byte fed so far, as an unsigned number. Does not change the state. */
  value(): number {
    const { width, refin, refout, xorout } = this.params;
    const out = refin === refout ? this.register : reflect(this.register, width);
    return ((out ^ xorout) & this.mask) >>> 0;
  }
}

/** The CRC of `bytes` under `params`, in one call. */
export function crcOf(params: CrcParams, bytes: Uint8Array): number {
  const engine = new CrcEngine(params);
  engine.update(bytes);
  return engine.value();
}

function checkParams(p: CrcParams): void {
  if (!Number.isInteger(p.width) || p.width < 8 || p.width > 32) {
    throw new WebProgError('INVALID_ARGUMENT', `CRC width must be 8 to 32 bits, not ${p.width}.`);
  }
  const limit = 2 ** p.width;
  for (const key of ['poly', 'init', 'xorout'] as const) {
    const v = p[key];
    if (!Number.isInteger(v) || v < 0 || v >= limit) {
      throw new WebProgError('INVALID_ARGUMENT', `CRC ${key} ${v} does not fit in ${p.width} bits.`);
    }
  }
}

/** All-ones mask of `width` bits (as a signed 32-bit value for width 32). */
function maskOf(width: number): number {
  return width === 32 ? -1 : (1 << width) - 1;
}

/** `value` with its low `width` bits in reverse order. */
function reflect(value: number, width: number): number {
  let out = 0;
  for (let i = 0; i < width; i++) {
    out = (out << 1) | ((value >>> i) & 1);
  }
  return out >>> 0;
}

/**
 * Table entry `b` is the register after feeding byte `b` into a zero register: MSB-first
 * (Williams §10) or, for reflected input, LSB-first with the reflected polynomial (§11).
 */
function buildTable(p: CrcParams, mask: number): Uint32Array {
  const table = new Uint32Array(256);
  if (p.refin) {
    const poly = reflect(p.poly, p.width);
    for (let b = 0; b < 256; b++) {
      let c = b;
      for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
      table[b] = c >>> 0;
    }
  } else {
    const top = 2 ** (p.width - 1);
    for (let b = 0; b < 256; b++) {
      let c = (b << (p.width - 8)) >>> 0;
      for (let bit = 0; bit < 8; bit++) {
        c = c >= top ? (((c << 1) ^ p.poly) & mask) >>> 0 : ((c << 1) & mask) >>> 0;
      }
      table[b] = c;
    }
  }
  return table;
}
