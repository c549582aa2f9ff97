import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { getDeviceMemInfo } from './device-memory';
import {
  MICROPYTHON_RELEASES,
  catalogueProblems,
  firmwareFor,
  firmwareLabel,
  firmwareSources,
  type FirmwareEntry,
} from './firmware-catalogue';
import { parseIntelHexText } from './hex-text';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

describe('MICROPYTHON_RELEASES', () => {
  it('is a valid catalogue with one release per board', () => {
    expect(catalogueProblems(MICROPYTHON_RELEASES)).toEqual([]);
    expect(MICROPYTHON_RELEASES.map((e) => [e.board, e.version])).toEqual([
      ['V1', '1.1.1'],
      ['V2', '2.1.2'],
    ]);
  });

  it.each([
    ['V1', 'micropython-v1.1.1.hex'],
    ['V2', 'micropython-v2.1.2.hex'],
  ] as const)('records the SHA-256 and size of the official %s build (%s)', (board, file) => {
    const bytes = fixture(file);
    const entry = firmwareFor(board);
    expect(entry.size).toBe(bytes.length);
    expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const info = getDeviceMemInfo(parseIntelHexText(bytes.toString('utf8')));
    expect(info.deviceVersion).toBe(board);
    expect(info.uPyVersion).toContain(`micro:bit v${entry.version}`);
  });

  it('tries the CORS mirrors (pinned to a commit) first and the official release asset last', () => {
    for (const e of MICROPYTHON_RELEASES) {
      const sources = firmwareSources(e);
      expect(sources.at(-1)).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/releases\/download\/v/);
      expect(sources.at(-1)).toContain(e.version);
      expect(sources.slice(0, -1)).toEqual(e.mirrors);
      // Both board versions have at least two sources a web page may read (CORS), each at a
      // full 40-digit commit so the bytes behind the address cannot change.
      expect(e.mirrors.length).toBeGreaterThanOrEqual(2);
      for (const mirror of e.mirrors) {
        expect(mirror).toMatch(
          /^https:\/\/(cdn\.jsdelivr\.net\/gh\/[^/]+\/[^/@]+@[0-9a-f]{40}\/|raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\/)/,
        );
      }
    }
  });

  it('labels entries for people', () => {
    expect(firmwareLabel(firmwareFor('V2'))).toBe('MicroPython 2.1.2 for micro:bit V2');
  });
});

describe('firmwareFor', () => {
  it('refuses a board the catalogue lacks', () => {
    const only = MICROPYTHON_RELEASES.filter((e) => e.board === 'V2');
    expect(() => firmwareFor('V1', only)).toThrow(WebProgError);
    expect(() => firmwareFor('V1', only)).toThrow(/no MicroPython for micro:bit V1/);
  });
});

describe('catalogueProblems', () => {
  const good = MICROPYTHON_RELEASES[1];
  const check = (patch: Partial<FirmwareEntry>) => catalogueProblems([{ ...good, ...patch }]);

  it('finds bad hashes, sizes, versions and addresses', () => {
    expect(check({ sha256: good.sha256.toUpperCase() })).toEqual([
      'micropython-v2.1.2: sha256 must be 64 lower-case hex digits.',
    ]);
    expect(check({ size: 0 })).toEqual(['micropython-v2.1.2: size must be a positive whole number.']);
    expect(check({ version: 'latest' })).toEqual(['micropython-v2.1.2: "latest" is not a version.']);
    expect(check({ url: 'http://example.org/a.hex' })).toEqual([
      'micropython-v2.1.2: "http://example.org/a.hex" is not an https address.',
    ]);
    expect(check({ mirrors: ['not a url'] })).toHaveLength(1);
  });

  it('finds duplicate ids and boards', () => {
    expect(catalogueProblems([good, good])).toEqual([
      'micropython-v2.1.2: the id is used twice.',
      'micropython-v2.1.2: a second entry for micro:bit V2.',
    ]);
  });
});
