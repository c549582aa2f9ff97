/**
 * Stand-ins for the worker clients in unit tests: the same core functions the device worker
 * runs (parse, save, checksum), called in-process, with a record of the calls made.
 */
import { checksumRange } from '../../core/checksum';
import { WebProgError } from '../../core/errors';
import { loadFile, saveFile } from '../../core/formats';
import { SparseData } from '../../core/memory/sparse-data';
import type { ProgressEvent } from '../../core/progress';
import type { ParsedFileDto } from '../../../workers/device/api';
import type { LuaValue } from '../../../workers/lua/api';
import type { DeviceClient, LuaClient } from '../clients';

/** A call the fake device received. */
export interface DeviceCall {
  /** Method name. */
  method: string;
  /** Its arguments. */
  args: unknown[];
}

/** A fake device client that parses, saves and checksums in-process. */
export interface FakeDevice extends DeviceClient {
  /** Every call, in order. */
  calls: DeviceCall[];
  /** When set, `checksum` waits for `cancel` and then rejects with `CANCELLED`. */
  holdChecksums: boolean;
}

/** A fake device client backed by the real core formats and checksums. */
export function fakeDevice(): FakeDevice {
  const pendingCancels = new Map<number, () => void>();
  const device = {
    calls: [] as DeviceCall[],
    holdChecksums: false,
    async hello() {
      device.calls.push({ method: 'hello', args: [] });
      return { version: 'test', time: 0 };
    },
    async parseFile(name: string, bytes: Uint8Array, options: { binBase?: number; boardId?: number } = {}) {
      device.calls.push({ method: 'parseFile', args: [name, bytes, options] });
      const file = loadFile(name, bytes, options);
      const dto: ParsedFileDto = {
        name,
        format: file.format,
        segments: [...file.data.segments()],
        warnings: file.warnings,
        parseMs: 1,
      };
      if (file.boards)
        dto.boards = file.boards.map((b) => ({ boardId: b.boardId, segments: [...b.data.segments()] }));
      if (file.familyId !== undefined) dto.familyId = file.familyId;
      return dto;
    },
    async saveFile(segments: { address: number; data: Uint8Array }[], format: string, options: object = {}) {
      device.calls.push({ method: 'saveFile', args: [segments, format, options] });
      return saveFile(SparseData.from(segments), format as never, options);
    },
    async checksum(
      segments: { address: number; data: Uint8Array }[],
      algorithm: string,
      range: { start: number; end: number; fill?: number },
      options: { onProgress?: (event: ProgressEvent) => void; callId?: number } = {},
    ) {
      device.calls.push({ method: 'checksum', args: [segments, algorithm, range, options] });
      const total = range.end - range.start;
      options.onProgress?.({ kind: 'started', operation: 'Checksum', done: 0, total, rate: 0 });
      if (device.holdChecksums) {
        await new Promise<void>((resolve) => pendingCancels.set(options.callId ?? -1, resolve));
        throw new WebProgError('CANCELLED', 'The operation was cancelled.');
      }
      const result = checksumRange(
        SparseData.from(segments),
        algorithm as never,
        range.start,
        range.end,
        range.fill,
      );
      options.onProgress?.({
        kind: 'finished',
        operation: 'Checksum',
        done: total,
        total,
        rate: 0,
        elapsedMs: 1,
      });
      return result;
    },
    async cancel(callId: number) {
      device.calls.push({ method: 'cancel', args: [callId] });
      pendingCancels.get(callId)?.();
    },
  };
  return device as unknown as FakeDevice;
}

/** A fake Lua client answering `evaluate` with `answer` (or failing with it when it is an Error). */
export function fakeLua(answer: LuaValue[] | Error | 'never' = [2]): LuaClient {
  const client = {
    async hello() {
      return { version: 'test', time: 0 };
    },
    evaluate(): Promise<LuaValue[]> {
      if (answer === 'never') return new Promise(() => {});
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return client as unknown as LuaClient;
}
