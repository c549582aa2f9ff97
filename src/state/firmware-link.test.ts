/**
 * Firmware links (`?firmware=…&sha256=…`): parsing, the download with its SHA-256 check, and
 * opening the file into the file list, with a real hex from the fixtures.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../core/errors';
import { thrown } from '../core/testing/thrown';
import {
  fetchLinkedFirmware,
  firmwareLinkUrl,
  openFirmwareLink,
  parseFirmwareLink,
  type LinkFetch,
} from './firmware-link';
import { LogState } from './log.svelte';
import type { FileEntry } from './file-entry.svelte';
import type { FileInput, OpenOutcome } from './files.svelte';

const HEX = new Uint8Array(
  readFileSync(path.resolve(process.cwd(), '../shared/fixtures/microbit/makecode-v1.hex')),
);
const HEX_SHA = createHash('sha256').update(HEX).digest('hex');
const FIRMWARE_URL = 'https://school.example/firmware/blinky%20v2.hex';

/** Serves `bytes` at FIRMWARE_URL; anything else is a 404. */
function server(bytes: Uint8Array = HEX): LinkFetch & { requests: string[] } {
  const requests: string[] = [];
  const fetchFn = async (url: string) => {
    requests.push(url);
    return url === FIRMWARE_URL ? new Response(bytes.slice()) : new Response('', { status: 404 });
  };
  return Object.assign(fetchFn, { requests });
}

function code(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (e instanceof WebProgError ? e.code : 'not a WebProgError'),
  );
}

describe('parseFirmwareLink', () => {
  it('reads the address, the SHA-256 and the file name; pages without a link have none', () => {
    const page = firmwareLinkUrl('https://webprog.example/app/?sim', FIRMWARE_URL, HEX_SHA.toUpperCase());
    expect(parseFirmwareLink(page)).toEqual({ url: FIRMWARE_URL, sha256: HEX_SHA, name: 'blinky v2.hex' });
    expect(parseFirmwareLink('https://webprog.example/?sim')).toBeUndefined();
    expect(parseFirmwareLink(undefined)).toBeUndefined();
  });

  it('resolves a relative address against the page and takes a name from the link', () => {
    const link = parseFirmwareLink('https://webprog.example/app/?firmware=files/a.bin&name=robot.uf2');
    expect(link).toEqual({ url: 'https://webprog.example/app/files/a.bin', name: 'robot.uf2' });
  });

  // Issue 14 item 7: an http link was accepted, then the download failed with a vague CSP error.
  it("refuses http links to other origins clearly; http is only for the page's own origin", () => {
    const http = thrown(() =>
      parseFirmwareLink('https://webprog.example/?firmware=http://school.example/a.hex'),
    );
    expect(http.code).toBe('INVALID_ARGUMENT');
    expect(http.message).toBe(
      "The link's firmware address must start with https://; it is http://school.example…, which this page may not download from. Ask for an https link.",
    );
    const otherLocal = thrown(() =>
      parseFirmwareLink('http://127.0.0.1:4317/?firmware=http://localhost:8080/a.hex'),
    );
    expect(otherLocal.message).toMatch(
      /must start with https:\/\/ or from this page's own address \(http:\/\/127\.0\.0\.1:4317\)/,
    );
    // A local preview may link to its own files, by relative or absolute address.
    expect(parseFirmwareLink('http://127.0.0.1:4317/?firmware=fw/a.hex')?.url).toBe(
      'http://127.0.0.1:4317/fw/a.hex',
    );
    expect(parseFirmwareLink('http://localhost:5173/?firmware=http://localhost:5173/a.hex')?.url).toBe(
      'http://localhost:5173/a.hex',
    );
  });

  it('refuses addresses that are not http(s) and a damaged SHA-256', () => {
    expect(() => parseFirmwareLink('https://w.example/?firmware=javascript:alert(1)')).toThrow(
      /must start with https:/,
    );
    expect(() => parseFirmwareLink(`https://w.example/?firmware=${FIRMWARE_URL}&sha256=abc`)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('fetchLinkedFirmware', () => {
  it('returns the bytes when their SHA-256 matches the link', async () => {
    const fw = await fetchLinkedFirmware({ url: FIRMWARE_URL, sha256: HEX_SHA, name: 'b.hex' }, server());
    expect(fw).toMatchObject({ name: 'b.hex', sha256: HEX_SHA, verified: true });
    expect(fw.bytes).toEqual(HEX);
  });

  it('refuses a file whose SHA-256 differs, and says when the download fails', async () => {
    const tampered = HEX.slice();
    tampered[100] ^= 1;
    const link = { url: FIRMWARE_URL, sha256: HEX_SHA, name: 'b.hex' };
    expect(await code(fetchLinkedFirmware(link, server(tampered)))).toBe('VERIFY_FAILED');
    const missing = { ...link, url: 'https://school.example/gone.hex' };
    await expect(fetchLinkedFirmware(missing, server())).rejects.toThrow(
      /Could not download b\.hex .*HTTP 404/,
    );
  });
});

describe('openFirmwareLink', () => {
  function files() {
    const opened: FileInput[][] = [];
    return {
      opened,
      error: undefined as string | undefined,
      async open(inputs: readonly FileInput[]): Promise<OpenOutcome> {
        opened.push([...inputs]);
        const awaitingBase = inputs.filter((f) => f.name.endsWith('.bin'));
        const parsed = inputs.length - awaitingBase.length;
        return { opened: Array.from({ length: parsed }, () => ({}) as FileEntry), awaitingBase, failed: 0 };
      },
    };
  }

  it('opens the linked file and says its SHA-256 matched', async () => {
    const list = files();
    const log = new LogState(() => 0);
    const page = firmwareLinkUrl('https://webprog.example/', FIRMWARE_URL, HEX_SHA);
    await openFirmwareLink(page, list, log, server());
    expect(list.opened).toHaveLength(1);
    expect(list.opened[0][0].name).toBe('blinky v2.hex');
    expect(list.opened[0][0].bytes).toEqual(HEX);
    expect(list.opened[0][0].sha256).toBe(HEX_SHA); // taken once, not again when the file opens
    expect(list.error).toBeUndefined();
    expect(log.entries.at(-1)?.text).toMatch(/^Opened blinky v2\.hex from the link \(its SHA-256 matches\)/);
  });

  it('asks for the base address of a linked raw binary instead of saying it is open', async () => {
    const list = files();
    const log = new LogState(() => 0);
    const page = firmwareLinkUrl('https://webprog.example/', FIRMWARE_URL, HEX_SHA, 'app.bin');
    await openFirmwareLink(page, list, log, server());
    expect(list.opened[0][0].name).toBe('app.bin');
    expect(log.entries.at(-1)?.text).toMatch(
      /^Downloaded app\.bin from the link \(its SHA-256 matches\)\. It is a raw binary: give the address/,
    );
    expect(log.entries.some((e) => e.text.startsWith('Opened'))).toBe(false);
  });

  it('opens nothing and shows why when the file is not the one the link promises', async () => {
    const list = files();
    const log = new LogState(() => 0);
    const page = firmwareLinkUrl('https://webprog.example/', FIRMWARE_URL, 'ab'.repeat(32));
    await openFirmwareLink(page, list, log, server());
    expect(list.opened).toHaveLength(0);
    expect(list.error).toMatch(
      /not the file the link promises: its SHA-256 is [0-9a-f]{64}, the link says (ab){32}/,
    );
  });
});
