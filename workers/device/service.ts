/**
 * The device worker's implementation of {@link DeviceWorkerApi}. Kept apart from the worker
 * entry so tests can call it directly in Node.
 */
import { createChecksum } from '../../src/core/checksum';
import { throwIfCancelled, toWebProgError } from '../../src/core/errors';
import { loadFile, saveFile } from '../../src/core/formats';
import { SparseData, type Segment } from '../../src/core/memory/sparse-data';
import { ProgressReporter } from '../../src/core/progress';
import { CancelRegistry } from '../shared/cancellation';
import { APP_VERSION } from '../../src/core/version';
import type { DeviceWorkerApi, ParsedFileDto } from './api';

/** Bytes checksummed between cancellation checks and progress updates. */
const CHECKSUM_CHUNK = 256 * 1024;

/** Creates the device worker's service object. */
export function createDeviceService(): DeviceWorkerApi {
  const calls = new CancelRegistry();
  return {
    async hello() {
      return { version: APP_VERSION, time: performance.now() };
    },

    async parseFile(name, bytes, options = {}) {
      const started = performance.now();
      const file = loadFile(name, bytes, options);
      const dto: ParsedFileDto = {
        name: file.name,
        format: file.format,
        segments: toSegments(file.data),
        warnings: file.warnings,
        parseMs: 0,
      };
      if (file.boards)
        dto.boards = file.boards.map((b) => ({ boardId: b.boardId, segments: toSegments(b.data) }));
      if (file.familyId !== undefined) dto.familyId = file.familyId;
      if (file.entry !== undefined) dto.entry = file.entry;
      dto.parseMs = performance.now() - started;
      return dto;
    },

    async saveFile(segments, format, options) {
      return saveFile(SparseData.from(segments), format, options);
    },

    async checksum(segments, algorithm, range, options = {}) {
      return calls.run(options.callId, async (signal) => {
        const data = SparseData.from(segments);
        const total = Math.max(0, range.end - range.start);
        const progress = new ProgressReporter(`Checksum ${algorithm}`, total, options.onProgress);
        progress.start();
        const sum = createChecksum(algorithm);
        try {
          for (let at = range.start; at < range.end; at += CHECKSUM_CHUNK) {
            throwIfCancelled(signal);
            const length = Math.min(CHECKSUM_CHUNK, range.end - at);
            sum.update(data.read(at, length, range.fill ?? 0xff));
            progress.update(at + length - range.start);
            // Let the cancel message in between chunks.
            await yieldToEventLoop();
          }
          const result = sum.digest();
          progress.finish();
          return result;
        } catch (error) {
          const e = toWebProgError(error);
          progress.fail(e.toRecord());
          throw e;
        }
      });
    },

    async cancel(callId) {
      calls.cancel(callId);
    },
  };
}

function toSegments(data: SparseData): Segment[] {
  return data.segments().map((s) => ({ address: s.address, data: s.data }));
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
