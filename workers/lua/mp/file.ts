/**
 * `mp.file.*`: the files the person opened in the app (handed to the run), files the script
 * asks the person to pick, and saving (the page offers the bytes as a download).
 */
import { WebProgError } from '../../../src/core/errors';
import {
  detectFormat,
  loadFile,
  saveFile,
  type LoadOptions,
  type SaveFormat,
} from '../../../src/core/formats';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionEnd } from '../../../src/core/memory/region';
import type { SparseData } from '../../../src/core/memory/sparse-data';
import type { LuaCall } from '../vm/lua-call';
import { Blocking, type NativeEntry } from '../vm/native-bridge';
import { countBuffer, notify, type ScriptContext } from './context';
import { resolveRegion } from './memory';
import { natives } from './natives';

/** Extensions `mp.file.pick()` offers by default. */
const DEFAULT_ACCEPT = '.hex,.ihex,.srec,.s19,.s28,.s37,.mot,.bin,.uf2,.elf,.axf,.out';

const SAVE_FORMATS: Record<string, SaveFormat> = {
  hex: 'intel-hex',
  ihex: 'intel-hex',
  bin: 'bin',
  uf2: 'uf2',
  srec: 'srec',
  s19: 'srec',
  s28: 'srec',
  s37: 'srec',
  mot: 'srec',
};

function fileBytes(ctx: ScriptContext, name: string): Uint8Array {
  const bytes = ctx.files.get(name);
  if (!bytes) {
    const known = [...ctx.files.keys()].map((n) => `"${n}"`).join(', ') || 'none';
    throw new WebProgError('FS_FILE_NOT_FOUND', `No file named "${name}" is open (files: ${known}).`, {
      file: name,
    });
  }
  return bytes;
}

/** Loads `data` into the buffer and describes what went where. */
function place(ctx: ScriptContext, data: SparseData, format: string, warnings: string[]) {
  ctx.memory.reserve(data.byteCount);
  ctx.image.load(data);
  countBuffer(ctx);
  const blocks = data.segments().map((s) => ({ address: s.address, size: s.data.length }));
  const populated: { region: string; offset: number; bytes: number }[] = [];
  for (const s of data.segments()) {
    for (const r of ctx.image.regions) {
      const start = Math.max(s.address, r.base);
      const end = Math.min(s.address + s.data.length, regionEnd(r));
      if (start < end) populated.push({ region: r.name, offset: start - r.base, bytes: end - start });
    }
  }
  return { format, blocks, block_count: blocks.length, populated, warnings };
}

/** Opens a file; errors name the file (the script sees only the message). */
function open(name: string, bytes: Uint8Array, options: LoadOptions = {}) {
  try {
    return loadFile(name, bytes, options);
  } catch (error) {
    if (!(error instanceof WebProgError)) throw error;
    throw new WebProgError(error.code, `${name}: ${error.message}`, {
      file: name,
      line: error.line,
      address: error.address,
      cause: error,
    });
  }
}

function saveFormat(name: string): SaveFormat {
  const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const format = SAVE_FORMATS[ext];
  if (!format)
    throw new WebProgError(
      'FORMAT_UNSUPPORTED',
      `Cannot tell the format of "${name}": use .hex, .bin or .uf2.`,
      { file: name },
    );
  return format;
}

function savedKey(name: string): string {
  return `file:${name}`;
}

/** At most how many bytes saving `data` as `format` makes (hex: ≈ 2.8 characters a byte). */
function savedSizeBound(
  data: SparseData,
  format: SaveFormat,
  range: { start?: number; end?: number },
): number {
  if (format === 'bin') {
    const bounds = data.bounds();
    return (range.end ?? bounds?.end ?? 0) - (range.start ?? bounds?.start ?? 0);
  }
  const bytes = data.byteCount;
  return format === 'uf2' ? bytes * 2 + 512 : bytes * 3 + 1024;
}

/** The `mp.file` natives of a run. */
export function fileNatives(ctx: ScriptContext): Record<string, NativeEntry> {
  const name = (c: LuaCall) => c.string(1, 'name');
  /** Keeps the last version of a saved file only, held against the run's memory budget. */
  const store = (file: { name: string; bytes: Uint8Array }): number => {
    ctx.memory.hold(savedKey(file.name), file.bytes.length);
    ctx.files.set(file.name, file.bytes);
    const earlier = ctx.savedFiles.findIndex((f) => f.name === file.name);
    if (earlier >= 0) ctx.savedFiles[earlier] = file;
    else ctx.savedFiles.push(file);
    if (ctx.callbacks.onFileSaved) notify(() => ctx.callbacks.onFileSaved?.(file));
    return file.bytes.length;
  };

  return natives('mp.file', {
    list: () => [[...ctx.files.keys()]],
    exists: (c) => [ctx.files.has(name(c))],
    size: (c) => [fileBytes(ctx, name(c)).length],
    detect_format: (c) => {
      const n = name(c);
      return [detectFormat(n, fileBytes(ctx, n))];
    },
    read: (c) => [fileBytes(ctx, name(c))],
    load: (c) => {
      const n = name(c);
      const file = open(n, fileBytes(ctx, n));
      return [place(ctx, file.data, file.format, file.warnings)];
    },
    load_bin: (c) => {
      const n = name(c);
      const file = open(n, fileBytes(ctx, n), { binBase: c.integer(2, 'address') });
      if (file.format !== 'bin') {
        throw new WebProgError(
          'INVALID_ARGUMENT',
          `"${n}" is ${file.format}, not a raw binary: use mp.file.load.`,
          { file: n },
        );
      }
      return [place(ctx, file.data, file.format, file.warnings)];
    },
    load_region: (c) => {
      const n = name(c);
      const region = resolveRegion(ctx.image, c.nameOrIndex(2, 'region'));
      const file = open(n, fileBytes(ctx, n), { binBase: region.base });
      const regionOnly = new MemoryImage([region]);
      regionOnly.load(file.data);
      return [place(ctx, file.data, file.format, file.warnings)];
    },
    save: (c) => {
      const n = name(c);
      const format = saveFormat(n);
      let data = ctx.image.data;
      let range: { start?: number; end?: number } = {};
      if (!c.isNil(2)) {
        const region = resolveRegion(ctx.image, c.nameOrIndex(2, 'region'));
        data = ctx.image.regionData(region.name);
        range = format === 'bin' ? { start: region.base, end: regionEnd(region) } : {};
      }
      ctx.memory.reserve(savedSizeBound(data, format, range));
      return [store({ name: n, bytes: saveFile(data, format, range) })];
    },
    save_bin: (c) => {
      const n = name(c);
      const start = c.integer(2, 'address');
      const length = c.integer(3, 'length');
      if (length < 0) throw new WebProgError('INVALID_ARGUMENT', `The length ${length} is negative.`);
      ctx.memory.reserve(length);
      return [store({ name: n, bytes: saveFile(ctx.image.data, 'bin', { start, end: start + length }) })];
    },
    write_text: (c) => {
      const n = name(c);
      return [store({ name: n, bytes: c.bytes(2, 'text') })];
    },
    append_text: (c) => {
      const n = name(c);
      const before = ctx.files.get(n) ?? new Uint8Array(0);
      const added = c.bytes(2, 'text');
      // The new version replaces the old one: only the growth is new memory.
      ctx.memory.reserve(before.length + added.length - ctx.memory.holding(savedKey(n)));
      const bytes = new Uint8Array(before.length + added.length);
      bytes.set(before);
      bytes.set(added, before.length);
      return [store({ name: n, bytes })];
    },
    pick: (c) => {
      const accept = c.optString(1, 'accept') ?? DEFAULT_ACCEPT;
      const pickFile = ctx.callbacks.pickFile;
      if (!pickFile)
        throw new WebProgError(
          'NOT_SUPPORTED',
          'Not Supported: this page cannot show a file picker to scripts.',
        );
      return new Blocking(
        Promise.resolve(pickFile(accept)).then((file) => {
          if (!file) return [undefined];
          ctx.files.set(file.name, file.bytes);
          return [file.name];
        }),
      );
    },
  });
}
