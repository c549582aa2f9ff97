/**
 * `mp.checksum.*`: host-side checksums over bytes, a region or a range of the buffer — MultiProg's
 * functions (CRC presets by catalogue name, custom CRCs, byte sums, the RL78 sum, Fletcher,
 * Adler, LRC, BCC) and WebProg's own (`list`, `compute`, `region`, `range`).
 */
import {
  CHECKSUMS,
  CRC_PRESETS,
  CrcEngine,
  adler32,
  bcc,
  checksum,
  checksumRange,
  checksumRegion,
  crcHex,
  crcPreset,
  feedRange,
  fletcher16,
  fletcher32,
  lrc,
  type ChecksumAlgorithm,
  type ChecksumResult,
  type CrcParams,
} from '../../../src/core/checksum';
import { WebProgError } from '../../../src/core/errors';
import { regionEnd } from '../../../src/core/memory/region';
import type { LuaCall } from '../vm/lua-call';
import type { NativeEntry } from '../vm/native-bridge';
import type { ScriptContext } from './context';
import { resolveRegion } from './memory';
import { describeError, natives } from './natives';

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

/** The non-CRC checksums MultiProg lists in `list_builtins()`, with their functions. */
const BUILTINS: { name: string; width: number; fn: (bytes: Uint8Array) => number }[] = [
  { name: 'sum8', width: 8, fn: (b) => checksum('sum8', b).value ?? 0 },
  { name: 'sum16', width: 16, fn: (b) => checksum('sum16', b).value ?? 0 },
  { name: 'sum16_inv', width: 16, fn: (b) => checksum('sum16-rl78', b).value ?? 0 },
  { name: 'sum_rl78', width: 16, fn: (b) => checksum('sum16-rl78', b).value ?? 0 },
  { name: 'fletcher16', width: 16, fn: fletcher16 },
  { name: 'fletcher32', width: 32, fn: fletcher32 },
  { name: 'adler32', width: 32, fn: adler32 },
  { name: 'lrc', width: 8, fn: lrc },
  { name: 'bcc', width: 8, fn: bcc },
];

/**
 * A CRC result in MultiProg's form: `value, hex, info` with `info = {value, hex, width,
 * preset}`; a failure is `nil, nil, {error, preset}` (MultiProg reports it in `info.error`).
 */
function crcResult(name: string, run: () => { value: number; width: number }): unknown[] {
  try {
    const { value, width } = run();
    const hex = crcHex(value, width);
    return [value, hex, { value, hex, width, preset: name }];
  } catch (error) {
    return [undefined, undefined, { error: describeError(error).message, preset: name }];
  }
}

/** Custom CRC parameters passed positionally by the prelude's `crc_custom` wrapper. */
function customParams(c: LuaCall): CrcParams {
  return {
    width: c.integer(2, 'width'),
    poly: c.integer(3, 'poly'),
    init: c.optInteger(4, 'init', 0),
    refin: c.isNil(5) ? false : c.boolean(5, 'reflect_in'),
    refout: c.isNil(6) ? false : c.boolean(6, 'reflect_out'),
    xorout: c.optInteger(7, 'xor_out', 0),
  };
}

/** The `mp.checksum` natives of a run (data arguments are byte strings; see the prelude). */
export function checksumNatives(ctx: ScriptContext): Record<string, NativeEntry> {
  const builtins = Object.fromEntries(
    BUILTINS.map(({ name, fn }) => [name, (c: LuaCall) => [fn(c.bytes(1, 'bytes'))]]),
  );
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
    list_crc_presets: () => [
      CRC_PRESETS.map((p) => ({
        name: p.name,
        width: p.width,
        poly: p.poly,
        init: p.init,
        reflect_in: p.refin,
        reflect_out: p.refout,
        xor_out: p.xorout,
        check: p.check,
      })),
    ],
    crc: (c) => {
      const name = c.string(1, 'preset');
      const bytes = c.bytes(2, 'bytes');
      return crcResult(name, () => {
        const preset = crcPreset(name);
        const engine = new CrcEngine(preset);
        engine.update(bytes);
        return { value: engine.value(), width: preset.width };
      });
    },
    _crc_custom: (c) => {
      const name = c.optString(1, 'name') ?? 'custom';
      const bytes = c.bytes(8, 'bytes');
      return crcResult(name, () => {
        const params = customParams(c);
        const engine = new CrcEngine(params);
        engine.update(bytes);
        return { value: engine.value(), width: params.width };
      });
    },
    crc_region: (c) => {
      const name = c.string(1, 'preset');
      const region = resolveRegion(ctx.image, c.nameOrIndex(2, 'region'));
      const start = c.optInteger(3, 'start', 0);
      const size = regionEnd(region) - region.base;
      const length = c.optInteger(4, 'len', Math.max(0, size - start));
      return crcResult(name, () => {
        if (start < 0 || length < 0 || start + length > size) {
          throw new WebProgError(
            'ADDRESS_OUT_OF_RANGE',
            `${region.name} holds ${size} bytes; offset ${start} + ${length} bytes lies outside it.`,
          );
        }
        const preset = crcPreset(name);
        const engine = new CrcEngine(preset);
        const from = region.base + start;
        feedRange(ctx.image.data, from, from + length, region.fill, (b) => engine.update(b));
        return { value: engine.value(), width: preset.width };
      });
    },
    list_builtins: () => [BUILTINS.map(({ name, width }) => ({ name, width }))],
    ...builtins,
  });
}
