/**
 * `mp.file.*`: the files the person opened in the app (handed to the run), files the script
 * asks the person to pick, and saving (the page offers the bytes as a download).
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import {
  detectFormat,
  loadFile,
  saveFile,
  type FileFormat,
  type LoadOptions,
  type SaveFormat,
} from '../../../src/core/formats';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionEnd, type Region } from '../../../src/core/memory/region';
import { SparseData } from '../../../src/core/memory/sparse-data';
import type { LuaCall } from '../vm/lua-call';
import { Blocking, type NativeEntry, type NativeResult } from '../vm/native-bridge';
import { countBuffer, notify, type ScriptContext } from './context';
import { baseName, dirName, extensionOf, matchesGlob, resolveFileName } from './file-paths';
import { LOG_FILE_WAITING } from './log-file';
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

/**
 * Runs `body` once the run has the file `path` names. When it has none and the page can ask
 * the person (`pickFile`), the script waits while the page asks for that file once; the
 * chosen file joins the run under the base name the script used, so later calls (and, in the
 * app, later runs) find it. Without a page to ask, or when the person cancels, `body` runs and
 * reports the missing file as usual.
 */
function withFile(ctx: ScriptContext, path: string, body: () => readonly unknown[]): NativeResult {
  const pick = ctx.callbacks.pickFile;
  if (!pick || resolveFileName(ctx.files, path) !== undefined) return body();
  const wanted = baseName(path);
  const ext = extensionOf(wanted);
  return new Blocking(
    Promise.resolve(pick(ext ? `.${ext}` : '', path)).then((file) => {
      if (file) ctx.files.set(wanted, file.bytes);
      return body();
    }),
  );
}

function fileBytes(ctx: ScriptContext, path: string): Uint8Array {
  const name = resolveFileName(ctx.files, path);
  const bytes = name === undefined ? undefined : ctx.files.get(name);
  if (!bytes) {
    const known = [...ctx.files.keys()].map((n) => `"${n}"`).join(', ') || 'none';
    throw new WebProgError(
      'FS_FILE_NOT_FOUND',
      `No file named "${baseName(path)}" is open (files: ${known}).`,
      {
        file: path,
      },
    );
  }
  return bytes;
}

/** The name a path is stored under: the run's file it means, else its base name. */
function storedName(ctx: ScriptContext, path: string): string {
  return resolveFileName(ctx.files, path) ?? baseName(path);
}

/**
 * Runs `action` with MultiProg's convention: an expected failure (missing file, bad format,
 * bad range) becomes `failure` and the message; running out of the run's memory or being
 * stopped still ends the script.
 */
function attempt(action: () => unknown[], failure: unknown): unknown[] {
  try {
    return action();
  } catch (error) {
    if (!(error instanceof WebProgError) || error.code === 'SCRIPT_ERROR' || error.code === 'CANCELLED')
      throw error;
    return [failure, error.message];
  }
}

const READ_ONLY_HINT = '(mp.memory.set_writable)';

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

/** Longest `list_dir` filter. */
const MAX_FILTER = 256;

/** MultiProg's names of the formats it knows (`detect_format`); the others are "unknown". */
const MULTIPROG_FORMAT: Partial<Record<FileFormat | 'unknown', string>> = {
  'intel-hex': 'hex',
  'universal-hex': 'hex',
  srec: 's19',
  bin: 'bin',
};

/** The format a missing file's extension names. */
function extensionFormat(path: string): FileFormat | 'unknown' {
  const ext = extensionOf(path).toLowerCase();
  const format = SAVE_FORMATS[ext];
  return format === 'intel-hex' || format === 'srec' || format === 'bin' ? format : 'unknown';
}

function saveFormat(name: string): SaveFormat {
  const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const format = SAVE_FORMATS[ext];
  if (!format)
    throw new WebProgError(
      'FORMAT_UNSUPPORTED',
      `Cannot tell the format of "${name}": use .hex, .s19 (.srec, .s28, .s37, .mot), .bin or .uf2.`,
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

/** The region `.bin` files and `load_bin` go to: the selected one, else the first. */
function activeRegion(ctx: ScriptContext): Region {
  const image = ctx.image;
  const region =
    (ctx.selectedRegion ? image.regions.find((r) => r.name === ctx.selectedRegion) : undefined) ??
    image.regions[0];
  if (!region) throw new WebProgError('REGION_NOT_FOUND', 'The buffer has no regions yet (connect first).');
  return region;
}

/**
 * MultiProg's `load`: puts `data` into the buffer except where a region is read-only, and
 * describes it with each block's bytes; the message names the read-only regions left out.
 */
function placeMultiProg(ctx: ScriptContext, data: SparseData, format: string, warnings: string[]) {
  const locked = new Set<string>();
  let kept = data;
  for (const r of ctx.image.regions) {
    if (!ctx.readOnlyRegions.has(r.name) || !data.intersects(r.base, regionEnd(r))) continue;
    locked.add(r.name);
    if (kept === data) {
      ctx.memory.reserve(data.byteCount);
      kept = data.clone();
    }
    kept.clear(r.base, regionEnd(r));
  }
  const described = place(ctx, kept, format, warnings);
  const blocks = data.segments().map((s) => ({ address: s.address, data: s.data, size: s.data.length }));
  const err = locked.size
    ? `Region${locked.size > 1 ? 's' : ''} ${[...locked].map((n) => `"${n}"`).join(', ')} ${locked.size > 1 ? 'are' : 'is'} read-only ${READ_ONLY_HINT}: not loaded.`
    : '';
  return [{ ...described, blocks }, err];
}

/** Blocks `save` gets from Lua: a header of (address, length) u32 pairs and the bytes one after another. */
function unpackBlocks(header: Uint8Array, payload: Uint8Array): SparseData {
  if (header.length % 8 !== 0) throw new WebProgError('INVALID_ARGUMENT', 'Malformed block list.');
  const view = new DataView(header.buffer, header.byteOffset, header.length);
  const data = new SparseData();
  let at = 0;
  for (let i = 0; i < header.length; i += 8) {
    const address = view.getUint32(i, true);
    const length = view.getUint32(i + 4, true);
    if (at + length > payload.length) throw new WebProgError('INVALID_ARGUMENT', 'Malformed block list.');
    if (address + length > 0x1_0000_0000)
      throw new WebProgError(
        'ADDRESS_OUT_OF_RANGE',
        `Block at ${formatAddress(address)} (+${length} bytes) passes 4 GiB.`,
        {
          address,
        },
      );
    data.write(address, payload.subarray(at, at + length));
    at += length;
  }
  return data;
}

/** Keeps the last version of a saved file only, held against the run's memory budget, and tells the page. */
function storeFile(ctx: ScriptContext, file: { name: string; bytes: Uint8Array }): number {
  ctx.memory.hold(savedKey(file.name), file.bytes.length);
  ctx.files.set(file.name, file.bytes);
  const earlier = ctx.savedFiles.findIndex((f) => f.name === file.name);
  if (earlier >= 0) ctx.savedFiles[earlier] = file;
  else ctx.savedFiles.push(file);
  if (ctx.callbacks.onFileSaved) notify(() => ctx.callbacks.onFileSaved?.(file));
  return file.bytes.length;
}

/** Saves the run's file `name` with `added` at its end; the new version replaces the old one. */
function appendToFile(ctx: ScriptContext, name: string, added: Uint8Array): number {
  const before = ctx.files.get(name) ?? new Uint8Array(0);
  // Only the growth is new memory.
  ctx.memory.reserve(before.length + added.length - ctx.memory.holding(savedKey(name)));
  const bytes = new Uint8Array(before.length + added.length);
  bytes.set(before);
  bytes.set(added, before.length);
  return storeFile(ctx, { name, bytes });
}

/**
 * Appends the log lines waiting for today's log (`mp.app.log_path`) to its file, which then
 * reaches the workspace folder as a saved file does; nothing when no lines wait or the run has
 * no workspace.
 */
export function flushLogFile(ctx: ScriptContext): void {
  const added = ctx.logFile?.take();
  if (!added || !ctx.logFile) return;
  ctx.memory.track(LOG_FILE_WAITING, 0);
  appendToFile(ctx, ctx.logFile.name, added);
}

/** The `mp.file` natives of a run. */
export function fileNatives(ctx: ScriptContext): Record<string, NativeEntry> {
  const name = (c: LuaCall) => c.string(1, 'name');
  const path = (c: LuaCall) => c.string(1, 'path');
  const store = (file: { name: string; bytes: Uint8Array }): number => storeFile(ctx, file);
  /** Saves `data` (the buffer or blocks) under `target`'s base name in the format its extension names. */
  const saveAs = (target: string, data: SparseData): unknown[] => {
    const format = saveFormat(target);
    ctx.memory.reserve(savedSizeBound(data, format, {}));
    store({ name: storedName(ctx, target), bytes: saveFile(data, format) });
    return [true, ''];
  };
  const appendText = (n: string, added: Uint8Array): number => appendToFile(ctx, n, added);

  const table = natives('mp.file', {
    list: () => [[...ctx.files.keys()]],
    list_dir: (c) => {
      c.string(1, 'path');
      const filter = c.optString(2, 'filter');
      if (filter !== undefined && filter.length > MAX_FILTER)
        throw new WebProgError('INVALID_ARGUMENT', `The filter is longer than ${MAX_FILTER} characters.`);
      const names = [...ctx.files.keys()].filter((n) => filter === undefined || matchesGlob(n, filter));
      return [names.sort()];
    },
    exists: (c) => [resolveFileName(ctx.files, path(c)) !== undefined],
    size: (c) => {
      const n = resolveFileName(ctx.files, path(c));
      return [n === undefined ? 0 : (ctx.files.get(n)?.length ?? 0)];
    },
    extension: (c) => [extensionOf(path(c))],
    basename: (c) => [baseName(path(c))],
    dirname: (c) => [dirName(path(c))],
    detect_format: (c) => {
      const p = path(c);
      const n = resolveFileName(ctx.files, p);
      const bytes = n === undefined ? undefined : ctx.files.get(n);
      return [MULTIPROG_FORMAT[bytes ? detectFormat(n!, bytes) : extensionFormat(p)] ?? 'unknown'];
    },
    detect_format_detailed: (c) => {
      const n = name(c);
      return [detectFormat(n, fileBytes(ctx, n))];
    },
    read: (c) => {
      const n = name(c);
      return withFile(ctx, n, () => [fileBytes(ctx, n)]);
    },
    read_text: (c) => {
      const p = path(c);
      return withFile(ctx, p, () => attempt(() => [fileBytes(ctx, p), ''], undefined));
    },
    load: (c) => {
      const p = path(c);
      return withFile(ctx, p, () =>
        attempt(() => {
          const bytes = fileBytes(ctx, p);
          const file = open(baseName(p), bytes, { binBase: activeRegion(ctx).base });
          return placeMultiProg(ctx, file.data, file.format, file.warnings);
        }, undefined),
      );
    },
    load_bin: (c) => {
      const p = path(c);
      return withFile(ctx, p, () =>
        attempt(() => {
          const bytes = fileBytes(ctx, p);
          const region = activeRegion(ctx);
          if (ctx.readOnlyRegions.has(region.name))
            return [bytes, `Region "${region.name}" is read-only ${READ_ONLY_HINT}: not loaded.`];
          const data = new SparseData();
          data.write(region.base, bytes.subarray(0, Math.max(0, Math.min(bytes.length, region.size))));
          place(ctx, data, 'bin', []);
          const err =
            bytes.length > region.size
              ? `${baseName(p)} has ${bytes.length} bytes; region "${region.name}" holds ${region.size}: the rest was not loaded.`
              : '';
          return [bytes, err];
        }, undefined),
      );
    },
    load_bin_at: (c) => {
      const n = name(c);
      const address = c.integer(2, 'address');
      return withFile(ctx, n, () => {
        const file = open(n, fileBytes(ctx, n), { binBase: address });
        if (file.format !== 'bin') {
          throw new WebProgError(
            'INVALID_ARGUMENT',
            `"${n}" is ${file.format}, not a raw binary: use mp.file.load.`,
            { file: n },
          );
        }
        return [place(ctx, file.data, file.format, file.warnings)];
      });
    },
    load_region: (c) => {
      const n = name(c);
      const region = resolveRegion(ctx.image, c.nameOrIndex(2, 'region'));
      return withFile(ctx, n, () => {
        const file = open(n, fileBytes(ctx, n), { binBase: region.base });
        const regionOnly = new MemoryImage([region]);
        regionOnly.load(file.data);
        return [place(ctx, file.data, file.format, file.warnings)];
      });
    },
    _save_blocks: (c) => {
      const target = c.string(1, 'path');
      if (c.isNil(2)) return [false, 'use mp.memory.save_file(path)'];
      const header = c.bytes(2, 'blocks');
      const payload = c.bytes(3, 'blocks');
      // The blocks are copied once into a sparse image before they are encoded.
      ctx.memory.reserve(payload.length);
      return attempt(() => saveAs(target, unpackBlocks(header, payload)), false);
    },
    _save_buffer: (c) => {
      const target = c.string(1, 'path');
      return attempt(() => saveAs(target, ctx.image.data), false);
    },
    save_region: (c) => {
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
      const target = c.string(1, 'path');
      const bytes = c.bytes(2, 'bytes');
      ctx.memory.reserve(bytes.length);
      store({ name: storedName(ctx, target), bytes: bytes.slice() });
      return [true, ''];
    },
    save_bin_range: (c) => {
      const n = name(c);
      const start = c.integer(2, 'address');
      const length = c.integer(3, 'length');
      if (length < 0) throw new WebProgError('INVALID_ARGUMENT', `The length ${length} is negative.`);
      ctx.memory.reserve(length);
      return [store({ name: n, bytes: saveFile(ctx.image.data, 'bin', { start, end: start + length }) })];
    },
    write_text: (c) => {
      const n = storedName(ctx, c.string(1, 'path'));
      store({ name: n, bytes: c.bytes(2, 'text') });
      return [true, ''];
    },
    append_text: (c) => {
      const n = storedName(ctx, c.string(1, 'path'));
      appendText(n, c.bytes(2, 'text'));
      return [true, ''];
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
  // Today's log reaches its file before any file function looks at the files.
  for (const entry of Object.values(table)) {
    const fn = entry.fn;
    entry.fn = (call) => {
      flushLogFile(ctx);
      return fn(call);
    };
  }
  return table;
}
