/**
 * A micro:bit MicroPython project end to end: create it, write main.py, watch the storage meter,
 * download the Universal Hex (checked with @microbit/microbit-fs, an independent reader), re-open
 * it, drop a module, and work offline from the firmware cache. MicroPython downloads are served
 * from the fixture files at the catalogue's addresses.
 *
 * The last tests send the project to a simulated micro:bit V2 plugged in through the device
 * panel (`?sim`), and hand it to classroom mode, which flashes it to two simulated boards.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MicropythonFsHex } from '@microbit/microbit-fs';
import { expect, test } from '@playwright/test';
import { separateUniversalHex } from '@microbit/microbit-universal-hex';
import { getDeviceMemInfo } from '../src/core/microbit/device-memory';
import { fileFlashSize } from '../src/core/microbit/fs-chunks';
import { MICROPYTHON_RELEASES } from '../src/core/microbit/firmware-catalogue';
import { parseIntelHexText } from '../src/core/microbit/hex-text';
import { AppPage } from './pages/app-page';
import { ClassroomPage } from './pages/classroom-page';
import { DevicePanelPage } from './pages/device-panel';
import { MicrobitProjectPage } from './pages/microbit-project-page';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const fixtureText = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const utf8 = new TextEncoder();

/** Flash bytes of a file, computed from the format rules (independently of the page). */
const flashSize = (name: string, content: string) =>
  fileFlashSize(utf8.encode(name).length, utf8.encode(content).length);

/** The files in a Universal Hex, as python-editor-v3's own library reads them. */
function filesInHex(hex: string): Map<string, string> {
  const fs = new MicropythonFsHex([
    { hex: fixtureText('micropython-v1.1.1.hex'), boardId: 0x9900 },
    { hex: fixtureText('micropython-v2.1.2.hex'), boardId: 0x9903 },
  ]);
  fs.importFilesFromHex(hex);
  return new Map(fs.ls().map((name) => [name, fs.read(name)]));
}

const MAIN = 'from microbit import *\n\nwhile True:\n    display.scroll("Hello, WebProg")\n';

let app: AppPage;
let mb: MicrobitProjectPage;

test.beforeEach(async ({ page }) => {
  app = new AppPage(page);
  mb = new MicrobitProjectPage(page);
  await mb.routeFirmware();
  await app.goto();
  await page.evaluate(() => localStorage.clear());
  await mb.open();
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('creates a project, writes main.py, downloads the Universal Hex and re-opens it', async ({
  page,
}, testInfo) => {
  await expect(mb.file('main.py')).toBeVisible();
  await expect(mb.editor).toContainText('display.show(Image.HEART)');

  await page.getByTestId('mb-project-name').fill('Blinky');
  await page.getByTestId('mb-project-name').press('Enter');
  await mb.replaceCode(MAIN);
  await expect(mb.editor).toContainText('display.scroll("Hello, WebProg")');
  await expect(mb.meter).toHaveAttribute('aria-valuenow', String(flashSize('main.py', MAIN)));
  await expect(mb.meter).toHaveAttribute('aria-valuemax', '20480');
  await expect(mb.meter).toHaveAttribute('data-level', 'ok');

  const download = await mb.download();
  expect(download.suggestedFilename()).toBe('Blinky.hex');
  const saved = testInfo.outputPath('Blinky.hex');
  await download.saveAs(saved);
  const files = filesInHex(readFileSync(saved, 'utf8'));
  expect([...files.keys()]).toEqual(['main.py']);
  expect(files.get('main.py')).toBe(MAIN);
  await expect(mb.notice).toHaveText(
    /Saved Blinky\.hex: Universal Hex for micro:bit V1 and V2 with 1 file\./,
  );
  expect(mb.firmwareRequests).toHaveLength(2);

  // Change everything, then open the saved hex: it replaces the project after confirmation.
  await page.getByTestId('mb-project-name').fill('Other');
  await page.getByTestId('mb-project-name').press('Enter');
  await mb.replaceCode('print("something else")\n');
  await page.getByTestId('mb-open-input').setInputFiles(saved);
  expect(await mb.answer('replace')).toBe('Confirm replace project');
  await expect(mb.editor).toContainText('display.scroll("Hello, WebProg")');
  await expect(page.getByTestId('mb-project-name')).toHaveValue('Blinky');
  await expect(mb.meter).toHaveAttribute('aria-valuenow', String(flashSize('main.py', MAIN)));
});

test('the storage meter warns before the limit and blocks downloads over it', async ({ page }) => {
  await mb.addFile('Big');
  await expect(page.getByTestId('mb-file-message')).toContainText('lower case');
  await expect(mb.file('Big.py')).toBeVisible();
  await mb.addFile('2big');
  await expect(page.getByTestId('mb-file-message')).toHaveText('The name cannot start with a number.');

  await mb.select('Big.py');
  await mb.replaceCode('#' + 'x'.repeat(18_000) + '\n');
  await expect(mb.meter).toHaveAttribute('data-level', 'warn');
  await expect(page.getByTestId('mb-storage-text')).toContainText('Storage almost full');

  await mb.replaceCode('#' + 'x'.repeat(21_000) + '\n');
  await expect(mb.meter).toHaveAttribute('data-level', 'full');
  await expect(mb.meter).toHaveAttribute('aria-valuetext', /^Storage full: /);
  await page.getByTestId('mb-download').click();
  await expect(mb.notice).toHaveAttribute('data-kind', 'error');
  await expect(mb.notice).toContainText('Storage full');

  await mb.file('Big.py').getByTestId('mb-delete').click();
  expect(await mb.answer('delete')).toBe('Delete Big.py?');
  await expect(mb.file('Big.py')).toHaveCount(0);
  await expect(mb.meter).toHaveAttribute('data-level', 'ok');
});

test('a dropped .py becomes a module; a MakeCode hex gets its own message', async ({ page }) => {
  await mb.drop('music_box.py', utf8.encode('import music\n\ndef play():\n    music.play(music.NYAN)\n'));
  expect(await mb.answer('module')).toBe('Change files?');
  await expect(mb.file('music_box.py')).toBeVisible();
  await expect(page.locator('[data-testid="mb-editor"][data-file="music_box.py"]')).toBeVisible();
  await expect(mb.editor).toContainText('music.play(music.NYAN)');

  await mb.drop('game.hex', new Uint8Array(readFileSync(path.join(FIXTURES, 'makecode-v1.hex'))));
  await expect(mb.notice).toHaveAttribute('data-kind', 'error');
  await expect(mb.notice).toContainText('MakeCode');
  await expect(mb.file('music_box.py')).toBeVisible();
});

test('works offline once MicroPython is cached', async ({ page }) => {
  await mb.download();
  expect(mb.firmwareRequests).toHaveLength(2);
  await expect(page.getByTestId('mb-firmware-V2')).toContainText('available offline');

  await page.unrouteAll();
  const offline = new MicrobitProjectPage(page);
  await offline.routeFirmware('offline');
  await page.reload();
  await offline.open();
  const download = await offline.download();
  expect(download.suggestedFilename()).toBe('Untitled project.hex');
  expect(offline.firmwareRequests).toEqual([]);
  // No micro:bit is plugged in: there is nothing to send to.
  await expect(page.getByTestId('mb-send')).toBeDisabled();
});

test('uses a MicroPython hex the person supplies instead of downloading', async ({ page }) => {
  await page
    .getByTestId('mb-firmware-input')
    .setInputFiles(path.join(FIXTURES, 'micropython-v1.0.1-appended-script.hex'));
  await expect(page.getByTestId('mb-firmware-V1')).toContainText(
    'Your own: micropython-v1.0.1-appended-script.hex',
  );
  await expect(mb.notice).toContainText('micro:bit V1 projects now use');
  const download = await mb.download();
  const hex = readFileSync((await download.path())!, 'utf8');
  const v1 = separateUniversalHex(hex).find((part) => part.boardId === 0x9900)!;
  expect(getDeviceMemInfo(parseIntelHexText(v1.hex)).uPyVersion).toContain('micro:bit v1.0.1');
  // MicroPython came from the CORS mirrors only, never from a GitHub release asset.
  const assets = MICROPYTHON_RELEASES.map((e) => e.url);
  expect(mb.firmwareRequests.filter((url) => assets.includes(url))).toEqual([]);
});

test('sends the project to a simulated micro:bit V2', async ({ page }) => {
  await app.goto('?sim&simLatency=zero');
  const devices = new DevicePanelPage(page);
  await devices.addSimulated('microbit-v2');
  await mb.open();
  await mb.replaceCode(MAIN);
  await page.getByTestId('mb-send-refresh').click();
  await expect(page.getByTestId('mb-send')).toBeEnabled();
  await page.getByTestId('mb-send').click();
  const result = page.getByTestId('mb-send-result');
  await expect(result).toHaveAttribute('data-kind', 'info', { timeout: 60_000 });
  await expect(result).toContainText('verified');
});

test('classroom mode flashes the project to every plugged-in micro:bit', async ({ page }) => {
  await app.goto('?sim&simLatency=zero');
  await mb.open();
  await mb.replaceCode(MAIN);
  // "Use in classroom" opens classroom mode with the project as its image.
  await page.getByTestId('mb-use-in-classroom').click();
  const classroom = new ClassroomPage(page);
  await expect(classroom.workspace).toBeVisible();
  await expect(mb.workspace).toBeHidden();
  await expect(page.getByTestId('classroom-image')).toContainText('(MicroPython project)');
  await page.getByTestId('classroom-start').click();
  await classroom.plugSimulatedV2();
  await classroom.plugSimulatedV2();
  await expect(classroom.count('flashed')).toHaveText('Flashed 2', { timeout: 60_000 });
  for (const n of [1, 2])
    await expect(classroom.row(n).getByTestId('classroom-result')).toContainText('verified');
});
