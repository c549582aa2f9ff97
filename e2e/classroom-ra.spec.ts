/**
 * Classroom mode with Renesas RA boards in Chromium (`?sim&simLatency=zero`): three simulated
 * Arduino Uno R4s (RA4M1 in boot mode on their USB ports) are plugged in, one hex file goes to
 * all three at once, and each row shows the board, its name (the RA4M1's boot firmware reports
 * no unique ID, so the friendly-name cell says so and the row is "Board n" until labelled) and
 * its verified result; a second pass finds all three up to date by the chips' CRCs. The CSV
 * lists the three with their results.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { writeIntelHex } from '../src/core/formats/intel-hex';
import { SparseData } from '../src/core/memory/sparse-data';
import { AppPage } from './pages/app-page';
import { ClassroomPage } from './pages/classroom-page';
import { DevicePanelPage } from './pages/device-panel';

const BOARDS = 3;

test('classroom: three simulated Uno R4 boards flashed at once, each with its name and result', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  const app = new AppPage(page);
  const devices = new DevicePanelPage(page);
  const classroom = new ClassroomPage(page);
  await app.goto('?sim&simLatency=zero');

  const data = new SparseData();
  data.write(
    0,
    Uint8Array.from({ length: 24 * 1024 }, (_, i) => (i * 5 + (i >> 7)) & 0xff),
  );
  await page
    .getByTestId('file-input')
    .setInputFiles([{ name: 'class.hex', mimeType: 'text/plain', buffer: Buffer.from(writeIntelHex(data)) }]);
  await expect(app.fileItem('class.hex')).toBeVisible();
  for (let n = 0; n < BOARDS; n++) await devices.addSimulated('ra4m1');
  await expect(devices.items).toHaveCount(BOARDS);

  await classroom.open();
  await expect(classroom.rows).toHaveCount(BOARDS);
  await classroom.useOpenFileAndStart();
  // All three run at once: each board has its own queue in the device worker.
  await expect(classroom.count('flashed')).toHaveText(`Flashed ${BOARDS}`, { timeout: 120_000 });
  await expect(classroom.count('failed')).toHaveText('Failed 0');
  for (let n = 1; n <= BOARDS; n++) {
    const row = classroom.row(n);
    await expect(row).toHaveAttribute('data-status', 'flashed');
    await expect(row).toContainText('Renesas RA2/RA4 with 256 KiB code flash');
    await expect(row.getByTestId('classroom-friendly')).toHaveText('—');
    await expect(row.getByTestId('classroom-label')).toHaveAttribute('placeholder', `Board ${n}`);
    await expect(row.getByTestId('classroom-result')).toContainText('verified');
    await expect(row.getByTestId('classroom-time')).toHaveText(/\d/);
  }

  // A label names a board; the CSV has all three with their results.
  const label = classroom.row(2).getByTestId('classroom-label');
  await label.fill('Table 2, Ada');
  await label.press('Enter');
  const download = await classroom.exportCsv();
  const lines = readFileSync((await download.path())!, 'utf8')
    .trimEnd()
    .split('\r\n');
  expect(lines).toHaveLength(BOARDS + 1);
  expect(lines[2].startsWith('2,"Table 2, Ada",')).toBe(true);
  for (let n = 1; n <= BOARDS; n++) expect(lines[n]).toContain(',Flashed,');

  // Again: every board already holds the image (the chip's own CRC per block).
  await page.getByTestId('classroom-flash-all').click();
  await expect(classroom.count('up-to-date')).toHaveText(`Already up to date ${BOARDS}`, { timeout: 60_000 });
  expect(app.errors, 'console errors').toEqual([]);
});
