/** ESP Web Tools manifests: parsing and picking the build for the detected chip. */
import { describe, expect, test } from 'vitest';
import { WebProgError } from '../core/errors';
import { parseManifest, partUrl, pickBuild } from './esp-manifest';

const MANIFEST = JSON.stringify({
  name: 'Demo',
  version: '1.2.0',
  new_install_prompt_erase: true,
  builds: [
    {
      chipFamily: 'ESP32',
      parts: [
        { path: 'esp32/bootloader.bin', offset: 4096 },
        { path: 'esp32/app.bin', offset: 65536 },
      ],
    },
    { chipFamily: 'ESP32-C3', parts: [{ path: 'c3/merged.bin', offset: '0x0' }] },
  ],
});

describe('manifests', () => {
  test('parses builds and picks the one for the detected chip', () => {
    const m = parseManifest(MANIFEST);
    expect(m).toMatchObject({ name: 'Demo', version: '1.2.0', newInstallPromptErase: true });
    expect(pickBuild(m, 'ESP32').parts).toEqual([
      { path: 'esp32/bootloader.bin', offset: 0x1000 },
      { path: 'esp32/app.bin', offset: 0x10000 },
    ]);
    expect(pickBuild(m, 'ESP32-C3').parts[0].offset).toBe(0);
    expect(() => pickBuild(m, 'ESP32-S3')).toThrow(/no build for the ESP32-S3 \(it has ESP32, ESP32-C3\)/);
    expect(partUrl('https://example.com/fw/manifest.json', 'c3/merged.bin')).toBe(
      'https://example.com/fw/c3/merged.bin',
    );
  });

  test.each([
    ['not json', /not valid JSON/],
    ['{"builds": []}', /no "builds"/],
    ['{"builds": [{"chipFamily": "ESP32", "parts": [{"path": "a.bin"}]}]}', /integer "offset"/],
  ])('rejects %s', (text, message) => {
    const error = (() => {
      try {
        parseManifest(text);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WebProgError);
    expect((error as WebProgError).code).toBe('FORMAT_INVALID');
    expect((error as WebProgError).message).toMatch(message);
  });
});
