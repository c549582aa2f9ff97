/**
 * One opened file: what the device worker parsed, the target its data is laid out in, and the
 * per-file view position (range, cursor, highlighted bytes).
 */
import type { FileFormat } from '../core/formats';
import { SparseData } from '../core/memory/sparse-data';
import { genericTarget, guessTarget, targetById, type TargetDescription } from '../core/targets';
import type { ParsedFileDto } from '../../workers/device/api';
import { WHOLE_FILE_KEY, layoutRanges, type ViewRange } from './file-layout';

/** Target id meaning "no known chip: one generic region per 64 KiB cluster of data". */
export const GENERIC_TARGET_ID = 'generic';

/** One board's data inside a Universal Hex. */
export interface BoardData {
  /** micro:bit board id, e.g. 0x9903. */
  boardId: number;
  /** The board's data. */
  data: SparseData;
}

/** One chip family's build inside an ESP Web Tools manifest. */
export interface ChipBuild {
  /** Chip family as the manifest names it, e.g. "ESP32-S3". */
  chipFamily: string;
  /** The build's parts laid at their offsets. */
  data: SparseData;
}

/** Bytes highlighted in the hex view, `[start, end)`. */
export interface ByteMark {
  /** First highlighted address. */
  start: number;
  /** One past the last highlighted address. */
  end: number;
}

/** An opened file and how it is being viewed. */
export class FileEntry {
  /** Unique id in the session. */
  readonly id: number;
  /** File name as opened. */
  readonly name: string;
  /** Detected format. */
  readonly format: FileFormat;
  /** Size of the file itself in bytes. */
  readonly fileSize: number;
  /** Universal Hex only: every board's data, in the file's order. */
  readonly boards: readonly BoardData[];
  /** ESP Web Tools manifest only: every chip family's build, in the manifest's order. */
  readonly builds: readonly ChipBuild[];
  /** UF2 only: the blocks' family id. */
  readonly familyId: number | undefined;
  /** ELF only: the entry point. */
  readonly entry: number | undefined;
  /** Things the parser wants a person to know. */
  readonly warnings: readonly string[];
  /** Milliseconds the worker spent parsing. */
  readonly parseMs: number;
  /** Base address a binary was opened at. */
  readonly binBase: number | undefined;
  /** SHA-256 of the file's bytes as opened (lower-case hex), for firmware links. */
  readonly sha256: string | undefined;
  private readonly primary: SparseData;

  /** Universal Hex only: the board whose data is shown. */
  boardId = $state<number | undefined>();
  /** Id of the target whose regions lay out the data (a `TARGETS` id or {@link GENERIC_TARGET_ID}). */
  targetId = $state(GENERIC_TARGET_ID);
  /** The selected device's memory map, when its backend lays files out in it (an ESP's flash). */
  deviceLayout = $state.raw<TargetDescription | undefined>();
  /** Key of the view range shown in the hex view. */
  rangeKey = $state(WHOLE_FILE_KEY);
  /** Address of the byte under the hex view's cursor. */
  cursor = $state(0);
  /** Bytes highlighted by "go to" or a search match. */
  mark = $state.raw<ByteMark | undefined>();

  /** The data shown: the chosen board's for a Universal Hex, else the file's. */
  readonly data: SparseData = $derived.by(
    () => this.boards.find((b) => b.boardId === this.boardId)?.data ?? this.primary,
  );
  /** The target description the data is laid out in. */
  readonly target: TargetDescription = $derived(
    this.deviceLayout ?? targetById(this.targetId) ?? genericTarget(this.data),
  );
  /** Whole file, then the target's regions and any "Other" ranges, in address order. */
  readonly ranges: readonly ViewRange[] = $derived(layoutRanges(this.target, this.data));
  /** The range the hex view shows. */
  readonly range: ViewRange = $derived(
    this.ranges.find((r) => r.key === this.rangeKey) ?? defaultRange(this.ranges),
  );

  constructor(
    id: number,
    dto: ParsedFileDto,
    fileSize: number,
    binBase?: number,
    sha256?: string,
    builds: readonly ChipBuild[] = [],
  ) {
    this.id = id;
    this.name = dto.name;
    this.format = dto.format;
    this.fileSize = fileSize;
    this.primary = SparseData.from(dto.segments);
    this.boards = (dto.boards ?? []).map((b) => ({ boardId: b.boardId, data: SparseData.from(b.segments) }));
    this.builds = builds;
    this.familyId = dto.familyId;
    this.entry = dto.entry;
    this.warnings = dto.warnings;
    this.parseMs = dto.parseMs;
    this.binBase = binBase;
    this.sha256 = sha256;
    this.boardId = this.boards[0]?.boardId;
    this.resetLayout();
  }

  /** Shows board `boardId` of a Universal Hex, laid out in the target its data fits. */
  selectBoard(boardId: number): void {
    if (!this.boards.some((b) => b.boardId === boardId)) return;
    this.boardId = boardId;
    this.resetLayout();
  }

  /** Lays the data out in target `targetId` (keeps the range shown when it still exists). */
  selectTarget(targetId: string): void {
    this.targetId = targetById(targetId) ? targetId : GENERIC_TARGET_ID;
    if (!this.ranges.some((r) => r.key === this.rangeKey)) this.showRange(defaultRange(this.ranges).key);
  }

  /**
   * Lays the data out in the selected device's memory map (undefined: back to the file's own
   * target); keeps the range shown when it still exists.
   */
  useDeviceLayout(layout: TargetDescription | undefined): void {
    if (this.deviceLayout === layout) return;
    this.deviceLayout = layout;
    if (!this.ranges.some((r) => r.key === this.rangeKey)) this.showRange(defaultRange(this.ranges).key);
  }

  /** Shows view range `key` with the cursor on its first byte. */
  showRange(key: string): void {
    const range = this.ranges.find((r) => r.key === key) ?? defaultRange(this.ranges);
    this.rangeKey = range.key;
    this.cursor = range.start;
    this.mark = undefined;
  }

  private resetLayout(): void {
    this.targetId = (this.boardId !== undefined && boardTarget(this.boardId)) || guessTarget(this.data).id;
    this.showRange(defaultRange(this.ranges).key);
  }
}

/** The chip of a micro:bit board id (Universal Hex sections): V1 is the nRF51822, V2 the nRF52833. */
export function boardTarget(boardId: number): string | undefined {
  if (boardId === 0x9900 || boardId === 0x9901) return 'nrf51822';
  if (boardId >= 0x9903 && boardId <= 0x9906) return 'nrf52833';
  return undefined;
}

/** The first region holding data, else the whole file. */
function defaultRange(ranges: readonly ViewRange[]): ViewRange {
  return ranges.find((r) => r.origin !== 'whole' && r.used > 0) ?? ranges[0];
}
