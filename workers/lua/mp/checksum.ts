/** `mp.checksum.*`: host-side checksums over bytes, a region or a range of the buffer. */
import {
  CHECKSUMS,
  checksum,
  checksumRange,
  checksumRegion,
  type ChecksumAlgorithm,
  type ChecksumResult,
} from '../../../src/core/checksum';
import { WebProgError } from '../../../src/core/errors';
import type { LuaCall } from '../vm/lua-call';
import type { NativeEntry } from '../vm/native-bridge';
import type { ScriptContext } from './context';
import { resolveRegion } from './memory';
import { natives } from './natives';

function algorithm(call: LuaCall): ChecksumAlgorithm {
  const id = call.string(1, 'algorithm');
  if (!CHECKSUMS.some((c) => c.id === id)) {
    const known = CHECKSUMS.map((c) => c.id).join(', ');
    throw new WebProgError('INVALID_ARGUMENT', `Unknown checksum "${id}" (known: ${known}).`);
  }
  return id as ChecksumAlgorithm;
}

function values(result: ChecksumResult): unknown[] {
  return [result.value, result.hex];
}

/** The `mp.checksum` natives of a run (data arguments are byte strings; see the prelude). */
export function checksumNatives(ctx: ScriptContext): Record<string, NativeEntry> {
  return natives('mp.checksum', {
    list: () => [
      CHECKSUMS.map((c) => ({ id: c.id, label: c.label, bits: c.bits, description: c.description })),
    ],
    compute: (c) => values(checksum(algorithm(c), c.bytes(2, 'data'))),
    region: (c) => {
      const region = resolveRegion(ctx.image, c.nameOrIndex(2, 'region'));
      return values(checksumRegion(ctx.image, region.name, algorithm(c)));
    },
    range: (c) => {
      const address = c.integer(2, 'address');
      const length = c.integer(3, 'length');
      if (length < 0) throw new WebProgError('INVALID_ARGUMENT', `The length ${length} is negative.`);
      return values(
        checksumRange(ctx.image.data, algorithm(c), address, address + length, c.optInteger(4, 'fill', 0xff)),
      );
    },
  });
}
