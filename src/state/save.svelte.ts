/**
 * Save as: the file shown (the board shown, for a Universal Hex) written as Intel Hex with 16-
 * or 32-byte records, Motorola S-records, a flat binary of a range with a gap fill, or UF2 with a family id. The
 * bytes are produced in the device worker and handed to {@link Download}.
 */
import type { SaveFormat, SaveOptions } from '../core/formats';
import { UF2_FAMILIES } from '../core/formats/uf2';
import type { DeviceClient } from './clients';
import type { FileEntry } from './file-entry.svelte';
import { dataSpan } from './file-layout';
import type { FilesState } from './files.svelte';
import type { LogState } from './log.svelte';
import { byteCount, hex32, hexRange, parseAddress, shortSize, withExtension } from './text';

/** Hands produced bytes to the person (a download in the browser). */
export type Download = (name: string, bytes: Uint8Array) => void;

/** One entry of the format choice. */
export interface SaveChoice {
  /** Stable id. */
  id: 'intel-hex-16' | 'intel-hex-32' | 'srec' | 'bin' | 'uf2';
  /** What the person reads. */
  label: string;
  /** The format written. */
  format: SaveFormat;
  /** File name extension. */
  extension: string;
}

/** The formats offered. */
export const SAVE_CHOICES: readonly SaveChoice[] = [
  { id: 'intel-hex-16', label: 'Intel Hex, 16-byte records', format: 'intel-hex', extension: 'hex' },
  { id: 'intel-hex-32', label: 'Intel Hex, 32-byte records', format: 'intel-hex', extension: 'hex' },
  { id: 'srec', label: 'Motorola S-records', format: 'srec', extension: 'srec' },
  { id: 'bin', label: 'Binary (gaps filled)', format: 'bin', extension: 'bin' },
  { id: 'uf2', label: 'UF2', format: 'uf2', extension: 'uf2' },
];

/** The UF2 family written by default for a target. */
const TARGET_FAMILIES: Readonly<Record<string, number>> = {
  nrf52833: 0x621e937a,
  nrf52840: 0xada52840,
  stm32f103: 0x5ee21072,
  stm32f411: 0x57755a57,
  stm32g071: 0x300f5633,
  samd21g18a: 0x68ed2b88,
};

/** Largest binary produced (a typo in an end address should not allocate gigabytes). */
const MAX_BIN_BYTES = 256 * 1024 * 1024;

/** The save-as panel's state. */
export class SaveState {
  /** Chosen format. */
  choiceId = $state<SaveChoice['id']>('intel-hex-16');
  /** Binary: gap fill byte in hex. */
  fillText = $state('FF');
  /** Binary: first address, as typed ('' = first data byte of the range shown). */
  startText = $state('');
  /** Binary: last address (inclusive), as typed ('' = last data byte of the range shown). */
  lastText = $state('');
  /** UF2: family id chosen ('' = the file's own or the target's). */
  familyChoice = $state<number | undefined>();
  /** True while the worker writes the file. */
  busy = $state(false);
  /** Why the last save failed, in plain words. */
  error = $state<string | undefined>();
  private customName = $state.raw<{ fileId: number; choiceId: string; name: string } | undefined>();

  /** The chosen format. */
  readonly choice: SaveChoice = $derived(SAVE_CHOICES.find((c) => c.id === this.choiceId) ?? SAVE_CHOICES[0]);

  /** File name: what the person typed, else the loaded name with the new extension. */
  readonly fileName: string = $derived.by(() => {
    const file = this.files.selected;
    if (!file) return '';
    const custom = this.customName;
    if (custom && custom.fileId === file.id && custom.choiceId === this.choiceId) return custom.name;
    return withExtension(file.name, this.choice.extension);
  });

  /** Binary: the default range (data span of the range shown), for placeholders. */
  readonly defaultSpan: { start: number; end: number } | undefined = $derived.by(() => {
    const file = this.files.selected;
    return file ? dataSpan(file.data, file.range) : undefined;
  });

  /** UF2: the family id used. */
  readonly familyId: number = $derived.by(() => this.familyChoice ?? defaultFamily(this.files.selected));

  constructor(
    private readonly device: Pick<DeviceClient, 'saveFile'>,
    private readonly files: FilesState,
    private readonly log: LogState,
    private readonly download: Download,
  ) {}

  /** Sets the file name (kept for this file and format). */
  setFileName(name: string): void {
    const file = this.files.selected;
    if (file) this.customName = { fileId: file.id, choiceId: this.choiceId, name };
  }

  /** Writes the file in the worker and downloads it. Resolves with the bytes, or undefined on failure. */
  async save(): Promise<Uint8Array | undefined> {
    const file = this.files.selected;
    if (!file || this.busy) return undefined;
    const name = this.fileName.trim();
    const plan = name === '' ? 'Give the file a name.' : this.plan(file);
    if (typeof plan === 'string') {
      this.error = plan;
      return undefined;
    }
    this.busy = true;
    this.error = undefined;
    try {
      const bytes = await this.device.saveFile(plan.segments, this.choice.format, plan.options);
      this.download(name, bytes);
      this.log.info(`Saved ${name}: ${this.choice.label}${plan.detail}, ${byteCount(bytes.length)}.`);
      return bytes;
    } catch (error) {
      this.error = this.log.failure(`Save ${name}`, error);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /** What to send to the worker, or why it cannot be saved. */
  private plan(file: FileEntry) {
    const all = file.data.segments().map((s) => ({ address: s.address, data: s.data }));
    switch (this.choice.id) {
      case 'intel-hex-16':
      case 'intel-hex-32':
        return {
          segments: all,
          options: { recordSize: this.choice.id === 'intel-hex-32' ? 32 : 16 } as SaveOptions,
          detail: '',
        };
      case 'srec':
        return { segments: all, options: { header: this.files.selected?.name } as SaveOptions, detail: '' };
      case 'uf2': {
        const familyId = this.familyId;
        return { segments: all, options: { familyId }, detail: ` (family ${hex32(familyId)})` };
      }
      case 'bin':
        return this.binPlan(file);
    }
  }

  private binPlan(file: FileEntry) {
    const fill = parseAddress(this.fillText, 0xff);
    if (fill === undefined) return 'The fill must be one byte in hex, e.g. FF.';
    const span = this.defaultSpan;
    const start = this.startText.trim() === '' ? span?.start : parseAddress(this.startText);
    const last =
      this.lastText.trim() === '' ? (span ? span.end - 1 : undefined) : parseAddress(this.lastText);
    if (start === undefined || last === undefined) {
      return span
        ? 'Type the first and last address in hex.'
        : `${file.range.name} holds no data: type a range.`;
    }
    if (last < start) return 'The last address must not lie before the first.';
    const end = last + 1;
    if (end - start > MAX_BIN_BYTES) {
      return `${hexRange(start, end)} is ${shortSize(end - start)}; binaries are limited to ${shortSize(MAX_BIN_BYTES)}.`;
    }
    const segments = file.data
      .slice(start, end)
      .segments()
      .map((s) => ({ address: s.address, data: s.data }));
    return {
      segments,
      options: { fill, start, end },
      detail: ` ${hexRange(start, end)}, gaps 0x${fill.toString(16).toUpperCase().padStart(2, '0')}`,
    };
  }
}

/** The family written when the person chose none: the file's own, else the target's, else the first. */
function defaultFamily(file: FileEntry | undefined): number {
  if (file?.familyId !== undefined) return file.familyId;
  return (file && TARGET_FAMILIES[file.targetId]) ?? UF2_FAMILIES[0].id;
}

/** The UF2 families offered, as `{ id, label }`. */
export const UF2_FAMILY_CHOICES: readonly { id: number; label: string }[] = UF2_FAMILIES.map((f) => ({
  id: f.id,
  label: `${f.description} (${hex32(f.id)})`,
}));
