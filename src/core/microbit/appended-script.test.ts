import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { addIntelHexAppendedScript, getIntelHexAppendedScript } from '@microbit/microbit-fs';
import { describe, expect, it } from 'vitest';
import { SparseData } from '../memory';
import {
  APPENDED_SCRIPT_ADDRESS,
  hasAppendedScript,
  readAppendedScript,
  removeAppendedScript,
  writeAppendedScript,
} from './appended-script';
import { intelHexRecords, parseIntelHexText } from './hex-text';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

describe('legacy appended script', () => {
  it('reads the script of the 1.0.1 fixture', () => {
    const data = parseIntelHexText(fixture('micropython-v1.0.1-appended-script.hex'));
    expect(readAppendedScript(data)).toBe('while True:\n    print ("PASS1")\n');
    expect(readAppendedScript(data)).toBe(
      getIntelHexAppendedScript(fixture('micropython-v1.0.1-appended-script.hex')),
    );
  });

  it('writes blocks microbit-fs reads, and reads blocks microbit-fs writes', () => {
    const base = parseIntelHexText(fixture('micropython-v1.1.1.hex'));
    const code = 'from microbit import *\ndisplay.scroll("ü")\n';
    const ours = base.clone();
    writeAppendedScript(ours, code);
    const text = intelHexRecords(ours) + ':00000001FF\n';
    expect(getIntelHexAppendedScript(text)).toBe(code);
    const theirs = parseIntelHexText(addIntelHexAppendedScript(fixture('micropython-v1.1.1.hex'), code));
    expect(theirs.equals(ours)).toBe(true);
    expect(readAppendedScript(theirs)).toBe(code);
  });

  it('removes only the block', () => {
    const data = new SparseData();
    data.write(APPENDED_SCRIPT_ADDRESS - 4, new Uint8Array([1, 2, 3, 4]));
    writeAppendedScript(data, 'x = 1\n');
    expect(hasAppendedScript(data)).toBe(true);
    removeAppendedScript(data);
    expect(hasAppendedScript(data)).toBe(false);
    expect(data.ranges()).toEqual([{ start: APPENDED_SCRIPT_ADDRESS - 4, end: APPENDED_SCRIPT_ADDRESS }]);
    expect(readAppendedScript(data)).toBeUndefined();
  });

  it('refuses scripts over 8 KiB', () => {
    expect(() => writeAppendedScript(new SparseData(), 'x'.repeat(8192 - 4))).not.toThrow();
    expect(() => writeAppendedScript(new SparseData(), 'x'.repeat(8192 - 3))).toThrow(
      expect.objectContaining({ code: 'FS_FULL' }),
    );
  });
});
