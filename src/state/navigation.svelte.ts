/**
 * Moving around the shown file: choosing a view range, "go to address", and moving the hex
 * view's cursor. The position itself lives in each {@link FileEntry}, so every file keeps its own.
 */
import type { ByteMark, FileEntry } from './file-entry.svelte';
import { rangeAt } from './file-layout';
import type { FilesState } from './files.svelte';
import { hex32, hexRange, parseAddress } from './text';

/** Cursor movement and address jumps for the file shown. */
export class NavigationState {
  /** Increases whenever the hex view must bring the cursor into the middle of the view. */
  jumpCount = $state(0);
  /** Why the last "go to" failed, in plain words. */
  gotoError = $state<string | undefined>();

  constructor(private readonly files: FilesState) {}

  /** The file shown. */
  get file(): FileEntry | undefined {
    return this.files.selected;
  }

  /** Shows view range `key` of the file shown. */
  showRange(key: string): void {
    const file = this.file;
    if (!file) return;
    file.showRange(key);
    this.gotoError = undefined;
    this.jumpCount++;
  }

  /**
   * Goes to the address typed in `text` (hex by default, see `parseAddress`), switching to the
   * range that holds it when the range shown does not. Returns false (and sets
   * {@link gotoError}) when the text is not an address or no range holds it.
   */
  goto(text: string): boolean {
    const file = this.file;
    if (!file) return false;
    const address = parseAddress(text);
    if (address === undefined) {
      this.gotoError = `"${text.trim()}" is not an address. Type hex such as 0x1C000.`;
      return false;
    }
    const range = file.range;
    if (address < range.start || address >= range.end) {
      const other = rangeAt(file.ranges, address);
      if (!other) {
        const whole = file.ranges[0];
        this.gotoError = `${hex32(address)} is outside this file (${hexRange(whole.start, whole.end)}).`;
        return false;
      }
      file.showRange(other.key);
    }
    this.gotoError = undefined;
    this.moveTo(address, { start: address, end: address + 1 }, true);
    return true;
  }

  /**
   * Puts the cursor on `address` (clamped into the range shown) and highlights `mark`;
   * `jump` centres it in the view.
   */
  moveTo(address: number, mark?: ByteMark, jump = false): void {
    const file = this.file;
    if (!file) return;
    const { start, end } = file.range;
    file.cursor = Math.min(end - 1, Math.max(start, address));
    file.mark = mark;
    if (jump) this.jumpCount++;
  }

  /** Moves the cursor by `delta` bytes, staying inside the range shown. */
  moveBy(delta: number): void {
    const file = this.file;
    if (file) this.moveTo(file.cursor + delta, file.mark);
  }
}
