/**
 * The scripts' workspace folder in Chromium with `?sim`: the person grants a folder once, a
 * MultiProg-style script reads a hex by a desktop path, flashes the simulated micro:bit, appends
 * a CSV line, and the file appears in the folder, as does today's log with the run's lines. The folder picker is the browser's own dialog,
 * which Playwright cannot click: the test hands the app a folder of the origin-private file
 * system (a real FileSystemDirectoryHandle) from `showDirectoryPicker`.
 */
import { expect, test } from '@playwright/test';
import MemoryMap from 'nrf-intel-hex';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { ScriptPanelPage } from './pages/script-panel';

const FIRMWARE = new Uint8Array(2048).map((_, i) => (i * 7 + 3) & 0xff);

test('a granted folder gives a script its files by path and keeps what it saves', async ({ page }) => {
  const app = new AppPage(page);
  const devices = new DevicePanelPage(page);
  const scripts = new ScriptPanelPage(page);
  const hex = new MemoryMap({ 0x70000: FIRMWARE }).asHexString();
  await page.addInitScript(() => {
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('Line 3', { create: true });
  });
  await app.goto('?sim&simLatency=zero');
  await page.evaluate(async (text) => {
    const root = await navigator.storage.getDirectory();
    const folder = await root.getDirectoryHandle('Line 3', { create: true });
    const writable = await (await folder.getFileHandle('fw.hex', { create: true })).createWritable();
    await writable.write(text);
    await writable.close();
  }, hex);
  const item = await devices.addSimulated('microbit-v2');
  await expect(item).toHaveAttribute('data-status', 'connected');

  await scripts.open();
  await page.getByTestId('script-folder-choose').click();
  await expect(page.getByTestId('script-folder-name')).toHaveText('Line 3');
  await page.getByTestId('script-allow-writes').check();
  await scripts.replaceCode(
    [
      'assert(mp.backend.connect())',
      'local ok, err = mp.file.load("C:\\\\production\\\\fw.hex")',
      'assert(ok, err)',
      'ok, err = mp.backend.flash()',
      'assert(ok, err)',
      'local line = mp.backend.get_target_info().name .. ",flashed"',
      'assert(mp.file.append_text(mp.app.documents_dir() .. "/results.csv", line .. "\\n"))',
      'mp.log.success("done")',
      '',
    ].join('\n'),
  );
  await scripts.run.click();
  const finished = scripts.lines.filter({ hasText: 'script.lua finished' });
  await expect(async () => {
    if (await scripts.question.isVisible()) await page.getByTestId('script-question-ok').click();
    await expect(finished).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 60_000 });
  await expect(scripts.lines.filter({ hasText: 'Saved results.csv in the folder Line 3.' })).toHaveCount(1);

  const csv = await page.evaluate(async () => {
    const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('Line 3');
    return (await (await folder.getFileHandle('results.csv')).getFile()).text();
  });
  expect(csv).toMatch(/^.*nRF52833.*,flashed\n$/);

  // Today's log (mp.app.log_path()) is a file in the folder too, with the run's lines.
  const today = await page.evaluate(() => {
    const d = new Date();
    const two = (n: number) => String(n).padStart(2, '0');
    return `webprog-${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}.log`;
  });
  await expect(scripts.lines.filter({ hasText: `Saved ${today} in the folder Line 3.` })).toHaveCount(1);
  const log = await page.evaluate(async (name) => {
    const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('Line 3');
    return (await (await folder.getFileHandle(name)).getFile()).text();
  }, today);
  expect(log).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[run\] script\.lua\n.* \[success\] done\n$/);

  // The chip holds the file's bytes.
  await scripts.replaceCode(
    [
      'assert(mp.backend.connect())',
      'assert(mp.backend.read_segment(0x70000, 16))',
      'local data = mp.memory.read_at(0x70000, 16)',
      'local hex = {}',
      'for i = 1, #data do hex[i] = string.format("%02X", data[i]) end',
      'mp.log.info("chip " .. table.concat(hex))',
      '',
    ].join('\n'),
  );
  // Reading needs no write permission: the option goes off, and the run asks nothing.
  await page.getByTestId('script-allow-writes').uncheck();
  await scripts.run.click();
  const expected = [...FIRMWARE.subarray(0, 16)]
    .map((b) => b.toString(16).padStart(2, '0').toUpperCase())
    .join('');
  await expect(scripts.lines.filter({ hasText: `chip ${expected}` })).toHaveCount(1, { timeout: 30_000 });

  // The folder is remembered for the next visit.
  await page.reload();
  await scripts.open();
  await expect(page.getByTestId('script-folder-name')).toHaveText('Line 3');
  expect(app.errors, 'console errors').toEqual([]);
});

test('a path the page has no file for is asked for once, and later runs find it', async ({ page }) => {
  const app = new AppPage(page);
  const scripts = new ScriptPanelPage(page);
  await app.goto('?sim');
  await scripts.open();
  await scripts.replaceCode(
    [
      'assert(mp.config.set_target("nRF52833"))',
      'local data, err = mp.file.load("C:/builds/app.hex")',
      'assert(data, err)',
      'mp.log.info("blocks " .. data.block_count .. " at " .. string.format("0x%X", data.blocks[1].address))',
      '',
    ].join('\n'),
  );
  await scripts.run.click();
  const request = page.getByTestId('script-file-request');
  await expect(request).toContainText('The script opens "C:/builds/app.hex"');
  await page.getByTestId('script-file-request-input').setInputFiles({
    name: 'build-42.hex',
    mimeType: 'text/plain',
    buffer: Buffer.from(new MemoryMap({ 0x1000: FIRMWARE.subarray(0, 64) }).asHexString()),
  });
  await expect(scripts.lines.filter({ hasText: 'blocks 1 at 0x1000' })).toHaveCount(1);
  await expect(page.getByTestId('script-files')).toContainText('app.hex');

  await scripts.run.click();
  await expect(scripts.lines.filter({ hasText: 'blocks 1 at 0x1000' })).toHaveCount(1);
  await expect(scripts.lines.filter({ hasText: 'script.lua finished' })).toHaveCount(1);
  await expect(request).toBeHidden();
  expect(app.errors, 'console errors').toEqual([]);
});
