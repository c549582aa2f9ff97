/**
 * The checksum panel: an algorithm, a range (the region shown, the data inside it, the whole
 * file or a custom span) and the result, computed in the device worker with a cancel button.
 *
 * No progress listener is passed: comlink only proxies top-level arguments, so a
 * `Comlink.proxy` callback nested in the options object cannot be posted (DataCloneError).
 */
import type { ChecksumAlgorithm, ChecksumResult } from '../core/checksum';
import { callWithSignal } from '../../workers/shared/cancellation';
import type { DeviceClient } from './clients';
import { dataSpan } from './file-layout';
import type { FilesState } from './files.svelte';
import type { LogState } from './log.svelte';
import { hexRange, hexValue, parseAddress } from './text';

/** Which bytes the checksum covers. */
export type ChecksumScope = 'region' | 'data' | 'file' | 'custom';

/** A resolved checksum range `[start, end)` with its gap fill. */
export interface ChecksumSpan {
  /** First address. */
  start: number;
  /** One past the last address. */
  end: number;
  /** Value of bytes without data. */
  fill: number;
}

/** A finished checksum and what it was computed over. */
export interface ChecksumOutcome {
  /** The value. */
  result: ChecksumResult;
  /** File name. */
  fileName: string;
  /** The range, as `0x…–0x…`. */
  rangeText: string;
  /** The fill used for gaps. */
  fill: number;
}

/** The checksum panel's state. */
export class ChecksumState {
  /** Algorithm to compute. */
  algorithm = $state<ChecksumAlgorithm>('crc32');
  /** Which bytes to cover. */
  scope = $state<ChecksumScope>('region');
  /** Custom range: first address, as typed. */
  customStart = $state('');
  /** Custom range: last address (inclusive), as typed. */
  customLast = $state('');
  /** Gap fill byte, as typed in hex. */
  fillText = $state('FF');
  /** The last result. */
  outcome = $state.raw<ChecksumOutcome | undefined>();
  /** True while computing. */
  busy = $state(false);
  /** Why the last attempt failed, in plain words. */
  error = $state<string | undefined>();

  /** The range the scope stands for in the file shown, or a message saying why there is none. */
  readonly span: ChecksumSpan | string = $derived.by(() => this.resolveSpan());

  private controller: AbortController | undefined;

  constructor(
    private readonly device: Pick<DeviceClient, 'checksum' | 'cancel'>,
    private readonly files: FilesState,
    private readonly log: LogState,
  ) {}

  /** Computes the checksum in the device worker. Resolves with the result, or undefined on failure. */
  async compute(): Promise<ChecksumResult | undefined> {
    const file = this.files.selected;
    const span = this.span;
    if (!file || this.busy) return undefined;
    if (typeof span === 'string') {
      this.error = span;
      return undefined;
    }
    this.busy = true;
    this.error = undefined;
    const controller = new AbortController();
    this.controller = controller;
    const segments = file.data.slice(span.start, span.end).segments();
    const rangeText = hexRange(span.start, span.end);
    try {
      const result = await callWithSignal(
        controller.signal,
        (callId) => this.device.cancel(callId),
        (callId) => this.device.checksum([...segments], this.algorithm, span, { callId }),
      );
      this.outcome = { result, fileName: file.name, rangeText, fill: span.fill };
      this.log.info(
        `${result.algorithm.toUpperCase()} of ${file.name} ${rangeText} (gaps ${hexValue(span.fill)}): 0x${result.hex.toUpperCase()}`,
      );
      return result;
    } catch (error) {
      this.error = this.log.failure(`Checksum of ${file.name}`, error);
      return undefined;
    } finally {
      this.busy = false;
      this.controller = undefined;
    }
  }

  /** Cancels a running computation. */
  cancel(): void {
    this.controller?.abort();
  }

  private resolveSpan(): ChecksumSpan | string {
    const file = this.files.selected;
    if (!file) return 'Open a file first.';
    const fill = parseAddress(this.fillText, 0xff);
    if (fill === undefined) return 'The fill must be one byte in hex, e.g. FF.';
    const range = file.range;
    switch (this.scope) {
      case 'region':
        return { start: range.start, end: range.end, fill };
      case 'data': {
        const span = dataSpan(file.data, range);
        return span ? { ...span, fill } : `${range.name} holds no data.`;
      }
      case 'file': {
        const span = file.data.bounds();
        return span ? { ...span, fill } : `${file.name} holds no data.`;
      }
      case 'custom': {
        const start = parseAddress(this.customStart);
        const last = parseAddress(this.customLast);
        if (start === undefined || last === undefined) return 'Type the first and last address in hex.';
        if (last < start) return 'The last address must not lie before the first.';
        return { start, end: last + 1, fill };
      }
    }
  }
}
