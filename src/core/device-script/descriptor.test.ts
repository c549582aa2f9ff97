import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeScript, loadDescribedScript, parseScriptIndex, type ScriptDescriptor } from './descriptor';

const BUILD_DIR = path.resolve(process.cwd(), 'device-scripts/build');
const swdsFiles = readdirSync(BUILD_DIR)
  .filter((f) => f.endsWith('.swds'))
  .sort();
const readBytes = (file: string) => new Uint8Array(readFileSync(path.join(BUILD_DIR, file)));
const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(BUILD_DIR, file), 'utf8'));

describe('built descriptors', () => {
  it.each(swdsFiles)('%s: the committed descriptor is what this parser makes of the file', (file) => {
    const committed = readJson(file.replace(/\.swds$/, '.json'));
    expect(describeScript(file, readBytes(file))).toEqual(committed);
  });

  it('index.json lists every script, in file order, with the same descriptors', () => {
    const index = parseScriptIndex(readJson('index.json'));
    expect(index.map((d) => d.file)).toEqual(swdsFiles);
    for (const descriptor of index)
      expect(descriptor).toEqual(readJson(descriptor.file.replace(/\.swds$/, '.json')));
  });

  it('loads each script against its descriptor', () => {
    for (const descriptor of parseScriptIndex(readJson('index.json'))) {
      const script = loadDescribedScript(descriptor, readBytes(descriptor.file));
      expect(script.name).toBe(descriptor.name);
      expect(script.image.length).toBe(descriptor.uploadSize);
    }
  });
});

describe('loadDescribedScript', () => {
  const descriptor = parseScriptIndex(readJson('index.json'))[0];

  it('rejects a file whose bytes differ from the descriptor', () => {
    const bytes = readBytes(descriptor.file);
    bytes[0x40] ^= 1;
    expect(() => loadDescribedScript(descriptor, bytes)).toThrowError(/does not match its descriptor/);
  });

  it('rejects a descriptor whose fields disagree with the file', () => {
    const wrong: ScriptDescriptor = { ...descriptor, stagingAddr: descriptor.stagingAddr + 4 };
    expect(() => loadDescribedScript(wrong, readBytes(descriptor.file))).toThrowError(/fields disagree/);
  });

  it('does not care about key order', () => {
    const reordered = Object.fromEntries(Object.entries(descriptor).reverse()) as unknown as ScriptDescriptor;
    expect(() => loadDescribedScript(reordered, readBytes(descriptor.file))).not.toThrow();
  });
});

describe('parseScriptIndex', () => {
  const good = readJson('index.json') as { descriptorVersion: number; scripts: Record<string, unknown>[] };
  const withScript = (patch: Record<string, unknown>) => ({
    ...good,
    scripts: [{ ...good.scripts[0], ...patch }],
  });

  it.each([
    ['not an object', 42, /expected \{ descriptorVersion/],
    ['a script that is not an object', { ...good, scripts: [7] }, /scripts\[0\] is not an object/],
    ['a missing name', withScript({ name: undefined }), /scripts\[0\]\.name is not a string/],
    ['a negative address', withScript({ loadAddr: -4 }), /loadAddr is not a 32-bit unsigned integer/],
    ['seven PID masks', withScript({ pidMasks: [0, 0, 0, 0, 0, 0, 0] }), /pidMasks is not 8 words/],
    ['a bad check value', withScript({ checkValues: [{ address: 1, mask: 'x', value: 0 }] }), /checkValues/],
    ['a missing entry flag', withScript({ entries: { initStage1: true } }), /entries does not list/],
  ])('rejects %s', (_why, json, message) => {
    expect(() => parseScriptIndex(json)).toThrowError(message);
  });

  it('refuses a newer descriptor layout with FORMAT_UNSUPPORTED', () => {
    expect(() => parseScriptIndex({ ...good, descriptorVersion: 2 })).toThrowError(
      expect.objectContaining({ code: 'FORMAT_UNSUPPORTED' }),
    );
  });

  it('rejects a .swds name that does not follow <id>.<load>.<m0|m3>.swds', () => {
    expect(() => describeScript('script.bin', readBytes(swdsFiles[0]))).toThrowError(/not <id>\.<load>/);
  });
});
