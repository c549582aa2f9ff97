import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WebProgError } from '../core/errors';
import { MICROPYTHON_RELEASES, firmwareFor, firmwareSources } from '../core/microbit/firmware-catalogue';
import { FirmwareStore, MemoryFirmwareCache, type FirmwareFetch } from './firmware-store';
import { sha256Hex } from './sha256';
import { rejection } from '../core/testing/thrown';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));
const V1 = fixture('micropython-v1.1.1.hex');
const V2 = fixture('micropython-v2.1.2.hex');

/**
 * A fetch that serves the fixture files at the catalogue's first mirror and counts requests;
 * an address it does not serve fails as a network error (what a CORS refusal looks like).
 */
function fixtureServer(overrides: Record<string, Uint8Array | number> = {}) {
  const served: Record<string, Uint8Array | number> = {
    [firmwareFor('V1').mirrors[0]]: V1,
    [firmwareFor('V2').mirrors[0]]: V2,
    ...overrides,
  };
  const requests: string[] = [];
  const fetch: FirmwareFetch = async (url) => {
    requests.push(url);
    const body = served[url];
    if (body === undefined) throw new TypeError('Failed to fetch');
    if (typeof body === 'number')
      return new Response('nope', { status: body, statusText: body === 404 ? 'Not Found' : 'Error' });
    return new Response(body.slice(), { headers: { 'content-length': String(body.length) } });
  };
  return { fetch, requests };
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<WebProgError> {
  const error = await rejection(promise);
  expect(error.code).toBe(code);
  return error;
}

describe('FirmwareStore', () => {
  it('downloads on first use with progress, checks the hash and caches by hash', async () => {
    const server = fixtureServer();
    const cache = new MemoryFirmwareCache();
    const store = new FirmwareStore({ cache, fetch: server.fetch });
    const progress: [number, number][] = [];
    const fw = await store.get('V2', { onProgress: (r, t) => progress.push([r, t]) });
    expect(fw).toMatchObject({
      board: 'V2',
      source: 'download',
      label: 'MicroPython 2.1.2 for micro:bit V2',
    });
    expect(fw.text).toBe(new TextDecoder().decode(V2));
    expect(progress.at(-1)).toEqual([V2.length, V2.length]);
    expect([...cache.entries.keys()]).toEqual([firmwareFor('V2').sha256]);
    expect(await store.isAvailableOffline('V2')).toBe(true);
    expect(await store.isAvailableOffline('V1')).toBe(false);
  });

  it('serves from the cache afterwards, without the network', async () => {
    const server = fixtureServer();
    const cache = new MemoryFirmwareCache();
    await new FirmwareStore({ cache, fetch: server.fetch }).get('V1');
    const offline: FirmwareFetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    const fw = await new FirmwareStore({ cache, fetch: offline }).get('V1');
    expect(fw.source).toBe('cache');
    expect(fw.text.length).toBe(V1.length);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a download whose hash differs and caches nothing', async () => {
    const tampered = V2.slice();
    tampered[100] ^= 1;
    const entry = firmwareFor('V2');
    const server = fixtureServer({ [entry.url]: tampered, [entry.mirrors[0]]: 404, [entry.mirrors[1]]: 404 });
    const cache = new MemoryFirmwareCache();
    const store = new FirmwareStore({ cache, fetch: server.fetch });
    const error = await expectCode(store.get('V2'), 'DOWNLOAD_FAILED');
    expect(error.message).toContain('SHA-256 does not match');
    expect((error.cause as WebProgError).code).toBe('VERIFY_FAILED');
    expect((error.cause as Error).message).toContain(`expects ${entry.sha256} (1239726 bytes)`);
    expect(cache.entries.size).toBe(0);
  });

  it.each(['V1', 'V2'] as const)(
    'downloads %s from the first CORS mirror, never reaching GitHub releases',
    async (board) => {
      const entry = firmwareFor(board);
      const server = fixtureServer({ [entry.mirrors[0]]: board === 'V1' ? V1 : V2 });
      const fw = await new FirmwareStore({ cache: new MemoryFirmwareCache(), fetch: server.fetch }).get(
        board,
      );
      expect(fw.source).toBe('download');
      expect(server.requests).toEqual([entry.mirrors[0]]);
    },
  );

  it('falls back along the mirrors, then to the official address', async () => {
    const entry = firmwareFor('V2');
    const tampered = V2.slice();
    tampered[7] ^= 1;
    const server = fixtureServer({ [entry.mirrors[0]]: 503, [entry.mirrors[1]]: tampered, [entry.url]: V2 });
    const fw = await new FirmwareStore({ cache: new MemoryFirmwareCache(), fetch: server.fetch }).get('V2');
    expect(fw.source).toBe('download');
    expect(fw.text).toBe(new TextDecoder().decode(V2));
    expect(server.requests).toEqual([...entry.mirrors, entry.url]);
  });

  it('says what to do when no source can be reached, never "no device"', async () => {
    const server = fixtureServer({ [firmwareFor('V1').mirrors[0]]: 404, [firmwareFor('V1').url]: 404 });
    const error = await expectCode(
      new FirmwareStore({ cache: new MemoryFirmwareCache(), fetch: server.fetch }).get('V1'),
      'DOWNLOAD_FAILED',
    );
    expect(error.message).toContain('HTTP 404 Not Found');
    expect(error.message).toContain('Failed to fetch');
    expect(error.message).toContain('Open a MicroPython hex for micro:bit V1 you have');
    expect(server.requests).toEqual(firmwareSources(firmwareFor('V1')));
  });

  it('downloads again when the cached bytes are damaged', async () => {
    const cache = new MemoryFirmwareCache();
    const entry = firmwareFor('V1');
    await cache.put(entry.sha256, V1.subarray(0, 1000));
    const server = fixtureServer();
    const fw = await new FirmwareStore({ cache, fetch: server.fetch }).get('V1');
    expect(fw.source).toBe('download');
    expect((await cache.get(entry.sha256))?.length).toBe(V1.length);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const server = fixtureServer();
    await expectCode(
      new FirmwareStore({ cache: new MemoryFirmwareCache(), fetch: server.fetch }).get('V2', {
        signal: controller.signal,
      }),
      'CANCELLED',
    );
    expect(server.requests).toEqual([]);
  });

  it('uses a MicroPython hex the person gives, for its board, until cleared', async () => {
    const cache = new MemoryFirmwareCache();
    const server = fixtureServer();
    const store = new FirmwareStore({ cache, fetch: server.fetch });
    const own = fixture('micropython-v1.0.1-appended-script.hex');
    const custom = await store.useCustom('my-upy.hex', own);
    expect(custom.board).toBe('V1');
    expect(custom.label).toMatch(/^my-upy\.hex \(micro:bit v1\.0\.1/);
    const fw = await new FirmwareStore({ cache, fetch: server.fetch }).get('V1');
    expect(fw.source).toBe('custom');
    expect(fw.text).toBe(new TextDecoder().decode(own));
    expect(await store.customLabel('V1')).toBe(custom.label);
    expect(server.requests).toEqual([]);
    await store.clearCustom('V1');
    expect((await store.get('V1')).source).toBe('download');
  });

  it('refuses hexes that are not single-board MicroPython', async () => {
    const store = new FirmwareStore({ cache: new MemoryFirmwareCache(), fetch: fixtureServer().fetch });
    await expectCode(store.useCustom('m.hex', fixture('makecode-v1.hex')), 'NOT_MICROPYTHON');
    await expectCode(store.useCustom('x.hex', fixture('not-a-hex.hex')), 'FORMAT_INVALID');
    await expectCode(
      store.useCustom('u.hex', fixture('universal-sections-9901-9903.hex')),
      'FORMAT_UNSUPPORTED',
    );
  });

  it('hashes with WebCrypto like node:crypto', async () => {
    expect(await sha256Hex(V1)).toBe(createHash('sha256').update(V1).digest('hex'));
    expect(MICROPYTHON_RELEASES).toHaveLength(2);
  });
});
