/**
 * The first thing a person does: open a firmware file (button or drop), see it region by
 * region, check bytes at an address, compute its CRC-32 and save it as a binary. Expected
 * values come from an independent implementation (nrf-intel-hex, node's zlib).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { FIXTURES, V2_NAME, V2_PATH, v2Bytes, v2Map } from './v2-hex';

const CODE_FLASH_END = 0x80000;

/** First and one-past-last address of the V2 hex's data below `limit`. */
function v2Span(limit: number): { start: number; end: number } {
  const blocks = [...v2Map()].filter(([address]) => address < limit);
  return {
    start: Math.min(...blocks.map(([a]) => a)),
    end: Math.max(...blocks.map(([a, b]) => Math.min(limit, a + b.length))),
  };
}

/** The accessible text of a hex row, built from the expected bytes. */
function rowLabel(address: number): string {
  const bytes = [...v2Bytes(address, address + 16)];
  const hex = bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  const text = bytes.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `0x${address.toString(16).toUpperCase().padStart(8, '0')}: ${hex}, text ${text}`;
}

/** One Intel Hex record line. */
function record(type: number, address: number, data: number[]): string {
  const bytes = [data.length, (address >> 8) & 0xff, address & 0xff, type, ...data];
  const sum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return ':' + [...bytes, sum].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

let app: AppPage;

test.beforeEach(async ({ page }) => {
  app = new AppPage(page);
  await app.goto();
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('reports both workers healthy after a round trip each (Lua once scripts are opened)', async () => {
  await expect(app.workerStatus('device')).toHaveAttribute('data-state', 'ready');
  await expect(app.workerStatus('device')).toHaveText('Device worker ready');
  await expect(app.workerStatus('lua')).toHaveAttribute('data-state', 'idle');
  await app.page.getByTestId('task-scripts').click();
  await expect(app.workerStatus('lua')).toHaveAttribute('data-state', 'ready');
  await expect(app.workerStatus('lua')).toHaveText('Lua 5.4 ready');
  await expect(app.page.getByTestId('log')).toContainText('answered "return 1+1" with 2');
});

test('opens the V2 MicroPython hex with the file input and shows its regions and bytes', async ({ page }) => {
  await app.openWithInput([V2_PATH]);
  const item = app.fileItem(V2_NAME);
  await expect(item).toBeVisible();
  await expect(item.getByTestId('file-format')).toHaveText('Intel Hex');
  await expect(page.getByTestId('target-select')).toHaveValue('nrf52833');
  for (const name of ['Whole file', 'Code Flash', 'UICR', 'RAM'])
    await expect(app.region(name)).toBeVisible();
  await expect(app.region('Code Flash')).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('log')).toContainText(`Opened ${V2_NAME}: Intel Hex`);

  await app.gotoAddress('0x1C000');
  await expect(app.hexRow(0x1c000)).toHaveAttribute('aria-label', rowLabel(0x1c000));
  await expect(page.getByTestId('status-cursor')).toContainText('0x0001C000');
  // The cursor is on 0x1C000; the arrow keys move it by a byte and a row.
  await page.getByTestId('hex-grid').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('status-cursor')).toContainText('0x0001C011');
});

test('opens a dropped file and computes the CRC-32 of its code flash', async () => {
  await app.dropFile(V2_NAME, readFileSync(V2_PATH));
  await expect(app.fileItem(V2_NAME)).toBeVisible();
  await expect(app.region('Code Flash')).toHaveAttribute('aria-current', 'true');
  const expected = zlib.crc32(v2Bytes(0, CODE_FLASH_END)).toString(16).toUpperCase().padStart(8, '0');
  expect(await app.checksum('crc32')).toBe(expected);
});

test('saves the code flash data as a binary equal to an independent conversion', async () => {
  await app.openWithInput([V2_PATH]);
  await expect(app.region('Code Flash')).toHaveAttribute('aria-current', 'true');
  const download = await app.saveAs('bin');
  expect(download.suggestedFilename()).toBe('micropython-v2.1.2.bin');
  const saved = readFileSync(await download.path());
  const { start, end } = v2Span(CODE_FLASH_END);
  expect(start).toBe(0);
  expect(saved.length).toBe(end - start);
  expect(saved.equals(v2Bytes(start, end))).toBe(true);
});

test('views a 4 GiB-sparse file: whole span, go to the top address, scrollbar and keys', async ({
  page,
}, info) => {
  const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
  const file = info.outputPath('sparse-4g.hex');
  writeFileSync(
    file,
    [
      record(4, 0, [0x00, 0x00]),
      record(0, 0, ascii('bottom of memory')),
      record(4, 0, [0xff, 0xff]),
      record(0, 0xfff0, ascii('top of 4 GiB....')),
      record(1, 0, []),
    ].join('\n') + '\n',
  );
  await app.openWithInput([file]);
  await expect(page.getByTestId('target-select')).toHaveValue('generic');
  await app.region('Whole file').click();
  await expect(app.region('Whole file')).toContainText('4 GiB');

  await app.gotoAddress('0xFFFFFFF0');
  await expect(app.hexRow(0xffff_fff0)).toHaveAttribute(
    'aria-label',
    /^0xFFFFFFF0: 74 6F 70 .*, text top of 4 GiB\.\.\.\.$/,
  );

  // Drag the scrollbar to the middle: the rows shown are around 2 GiB.
  await page.getByTestId('hex-grid').evaluate((el) => {
    el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
  });
  // The rows follow on the grid's next scroll event: wait for them.
  const firstRow = async () =>
    Number(await page.locator('[data-address-row]').first().getAttribute('data-address-row'));
  await expect.poll(async () => Math.abs((await firstRow()) - 0x8000_0000)).toBeLessThan(0x100_0000);
  await expect(page.locator('[data-address-row]').first()).toHaveAttribute('aria-label', /\(no data\)$/);

  // Ctrl+Home goes back to the first byte; PageDown moves a page of rows.
  await page.getByTestId('hex-grid').focus();
  await page.keyboard.press('Control+Home');
  await expect(app.hexRow(0)).toHaveAttribute('aria-label', /text bottom of memory$/);
  await expect(page.getByTestId('status-cursor')).toContainText('0x00000000 = 62h');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('status-cursor')).not.toContainText('0x00000000 ');
});

test('shows each board of a Universal Hex in its own chip', async ({ page }) => {
  await app.openWithInput([path.join(FIXTURES, 'universal-blocks-9901-9903.hex')]);
  await expect(app.fileItem('universal-blocks-9901-9903.hex').getByTestId('file-format')).toHaveText(
    'Universal Hex',
  );
  await expect(page.getByTestId('board-select')).toHaveValue(String(0x9901));
  await expect(page.getByTestId('target-select')).toHaveValue('nrf51822');
  await page.getByTestId('board-select').selectOption(String(0x9903));
  await expect(page.getByTestId('target-select')).toHaveValue('nrf52833');
});

test('searches text and compares two files', async ({ page }) => {
  await app.openWithInput([path.join(FIXTURES, 'micropython-v1.1.1.hex'), V2_PATH]);
  await expect(app.fileItem(V2_NAME)).toHaveClass(/selected/);
  await page.getByTestId('search-mode').selectOption('text');
  await page.getByTestId('search-input').fill('MicroPython');
  await page.getByTestId('search-input').press('Enter');
  await expect(page.getByTestId('search-summary')).toHaveText(/^1 of \d+$/);
  const v2Text = v2Bytes(0, CODE_FLASH_END).indexOf('MicroPython');
  await expect(page.getByTestId('status-cursor')).toContainText(
    '0x' + v2Text.toString(16).toUpperCase().padStart(8, '0'),
  );

  await page.getByTestId('compare-select').selectOption({ label: 'micropython-v1.1.1.hex' });
  await expect(page.getByTestId('diff-summary')).toContainText('differ from micropython-v1.1.1.hex');
  await page.getByTestId('diff-list').getByRole('button').first().click();
  await expect(page.locator('.byte.diff.mark').first()).toBeVisible();
});

test('asks for the base address of a raw binary', async ({ page }, info) => {
  const file = info.outputPath('app.bin');
  writeFileSync(file, Buffer.from('vector table....'));
  await app.openWithInput([file]);
  await expect(page.getByTestId('bin-dialog')).toContainText('app.bin is a raw binary (16 bytes).');
  await page.getByTestId('bin-base').fill('0x08000000');
  await page.getByTestId('bin-open').click();
  await expect(page.getByTestId('bin-dialog')).toHaveCount(0);
  await expect(app.fileItem('app.bin').getByTestId('file-format')).toHaveText('Binary');
  await expect(page.getByTestId('target-select')).toHaveValue('stm32f411');
  await expect(app.hexRow(0x0800_0000)).toHaveAttribute('aria-label', /text vector table\.\.\.\.$/);
});
