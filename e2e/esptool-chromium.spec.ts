/**
 * esptool-js 0.7.0, unmodified, runs its whole flow against the simulated ESP boards in real
 * Chromium (issue #4): `main()` (reset, sync, chip detection, stub, 921600 baud), `writeFlash`
 * compressed and uncompressed with the MD5 check, `readFlash` byte for byte, `eraseFlash`, and
 * an EN pulse back to the application. The harness in `e2e/harness/esptool/` is built here with
 * Vite's JS API into a temp dir and served through `page.route`, so the production build that
 * `vite preview` serves stays untouched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { build } from 'vite';
import type { EspChipName } from '../src/sim/esp';
import type { EsptoolFlowResult, WriteCheck } from './harness/esptool/main';

const HARNESS_BASE = '/__esptool-harness/';
const HARNESS_ROOT = path.resolve(process.cwd(), 'e2e/harness/esptool');

/** Per chip: what esptool-js must detect and where the chip's bootloader lives. */
const CHIPS: { chip: EspChipName; chipName: string; description: string; bootloaderOffset: number }[] = [
  { chip: 'esp32', chipName: 'ESP32', description: 'ESP32-D0WD-V3 (revision 3)', bootloaderOffset: 0x1000 },
  {
    chip: 'esp32s3',
    chipName: 'ESP32-S3',
    description: 'ESP32-S3 (QFN56) (revision v0.2)',
    bootloaderOffset: 0,
  },
  {
    chip: 'esp32c3',
    chipName: 'ESP32-C3',
    description: 'ESP32-C3 (QFN32) (revision v0.4)',
    bootloaderOffset: 0,
  },
];

let outDir = '';

test.beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'esptool-harness-'));
  await build({
    configFile: false,
    root: HARNESS_ROOT,
    base: HARNESS_BASE,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
  });
});

test.afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Asserts one write: MD5 verified by esptool-js, same MD5 on the flash, identical read-back. */
function expectWritten(check: WriteCheck, label: string): void {
  expect(check.hashVerified, `${label}: esptool-js verified the MD5`).toBe(true);
  expect(check.md5Flash, `${label}: flash MD5`).toBe(check.md5Image);
  expect(check.readBackLength, `${label}: read-back length`).toBe(check.size);
  expect(check.firstMismatch, `${label}: first mismatching byte`).toBe(-1);
  expect(check.readBackEqual, `${label}: read-back equals the image`).toBe(true);
}

for (const expected of CHIPS) {
  test(`esptool-js runs its whole flow on a simulated ${expected.chipName} in Chromium`, async ({
    page,
    browser,
  }) => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route(`**${HARNESS_BASE}**`, async (route) => {
      const relative = new URL(route.request().url()).pathname.slice(HARNESS_BASE.length);
      const file = path.resolve(outDir, relative || 'index.html');
      if (!file.startsWith(outDir + path.sep)) return route.fulfill({ status: 403 });
      return route.fulfill({ path: file });
    });
    await page.goto(`${HARNESS_BASE}index.html`);
    await page.waitForFunction(() => typeof window.runEsptoolFlow === 'function');

    const result: EsptoolFlowResult = await page.evaluate(
      (chip) => window.runEsptoolFlow(chip),
      expected.chip,
    );
    test
      .info()
      .annotations.push(
        { type: 'browser', description: `${browser.browserType().name()} ${browser.version()}` },
        { type: `${expected.chip} flow (ms, in page)`, description: result.elapsedMs.toFixed(0) },
      );

    expect(result.userAgent).toMatch(/Chrom(e|ium)\//);
    expect(result.portFromNavigatorSerial, 'port obtained via navigator.serial.requestPort()').toBe(true);

    // main(): reset into download mode, sync, detect, stub, baud change.
    expect(result.chipName).toBe(expected.chipName);
    expect(result.description).toBe(expected.description);
    expect(result.isStub).toBe(true);
    expect(result.log).toContain('Stub running...');
    expect(result.chipBaud).toBe(921600);
    expect(result.portBaud).toBe(921600);

    // writeFlash with and without compression, MD5-checked, read back byte for byte.
    expectWritten(result.compressed, 'compressed write');
    expectWritten(result.plain, 'uncompressed write');
    expect(result.log.some((line) => /^Wrote \d+ bytes \(\d+ compressed\)/.test(line))).toBe(true);

    // eraseFlash leaves 0xFF everywhere.
    expect(result.erase.reported).toBe(true);
    expect(result.erase.firstNotErased).toBe(-1);
    expect(result.erase.readBackErased).toBe(true);
    expect(result.erase.md5Flash).toBe(result.erase.md5Erased);
    expect(result.erase.simFlashErased).toBe(true);

    // An EN pulse boots the application written at the bootloader offset.
    expect(result.appImage.address).toBe(expected.bootloaderOffset);
    expectWritten(result.appImage, 'application image');
    expect(result.appOutput).toMatch(/boot:0x[0-9a-f]+ \(SPI_FAST_FLASH_BOOT\)/);
    expect(result.appOutput).toContain('2nd stage bootloader');
    expect(result.appOutput).toContain(result.expectedAppText);
    expect(result.appOutput).not.toContain('waiting for download');
    expect(result.modeAfterReset).toBe('app');

    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });
}
