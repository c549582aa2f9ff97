/** The data patterns of the workbench's block test. */
import type { BenchPattern } from './bench-api';

/**
 * `size` bytes of `pattern` for the block at `address`: all 0x00, alternating 0x55 0xAA,
 * a byte counter, or each word holding its own address (little-endian).
 */
export function patternBytes(pattern: BenchPattern, address: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  switch (pattern) {
    case 'zeros':
      break;
    case 'ones-zeros':
      for (let i = 0; i < size; i++) out[i] = i & 1 ? 0xaa : 0x55;
      break;
    case 'counter':
      for (let i = 0; i < size; i++) out[i] = i & 0xff;
      break;
    case 'address': {
      const view = new DataView(out.buffer);
      for (let i = 0; i + 4 <= size; i += 4) view.setUint32(i, (address + i) >>> 0, true);
      break;
    }
  }
  return out;
}
