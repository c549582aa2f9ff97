/**
 * The chip workbench in Chromium: load a device script from a file (the STM32F4 source with its
 * family name changed), assemble it in the page, run CortexProg's info and the init stages on
 * the simulated STM32F411, test one block, then save it and flash a file through it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { WorkbenchPage } from './pages/workbench-page';
import { WorkflowPage } from './pages/workflow-page';
import { screenshotBothThemes } from './screenshots';

const SOURCE = path.join(process.cwd(), 'device-scripts/src/stm32f4.20000000.m0.S');
const NAME = 'STM32F4 from the workbench';

/** An Intel hex of `length` pseudo-random bytes at `address`. */
function intelHex(address: number, length: number): string {
  const record = (type: number, offset: number, data: number[]) => {
    const bytes = [data.length, (offset >> 8) & 0xff, offset & 0xff, type, ...data];
    const sum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
    return ':' + [...bytes, sum].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
  };
  const lines = [record(4, 0, [(address >>> 24) & 0xff, (address >>> 16) & 0xff])];
  let x = 4242;
  for (let at = 0; at < length; at += 16) {
    const data = Array.from({ length: 16 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    lines.push(record(0, (address + at) & 0xffff, data));
  }
  lines.push(record(1, 0, []));
  return lines.join('\n') + '\n';
}

let app: AppPage;
let devices: DevicePanelPage;
let bench: WorkbenchPage;
let flow: WorkflowPage;

test.beforeEach(async ({ page }) => {
  app = new AppPage(page);
  devices = new DevicePanelPage(page);
  bench = new WorkbenchPage(page);
  flow = new WorkflowPage(page);
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('loads a script from a file, runs info and init on the simulated STM32F411, flashes with it', async ({
  page,
}, info) => {
  test.setTimeout(180_000);
  const dir = info.outputPath('files');
  mkdirSync(dir, { recursive: true });
  const script = path.join(dir, 'myf4.20000000.m0.S');
  writeFileSync(
    script,
    readFileSync(SOURCE, 'utf8').replace(/wp_footer_name ".*"/, `wp_footer_name "${NAME}"`),
  );

  await app.goto('?sim&simLatency=zero');
  await devices.addConnected('stm32f411');
  await bench.open();
  await bench.load(script);
  await expect(page.getByTestId('bench-file')).toHaveText('myf4.20000000.m0.S');
  await expect(page.getByTestId('bench-editor')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('bench-editor-content')).toContainText('.equ WP_LOAD, 0x20000000'); // (CodeMirror renders only the lines in view)
  await expect(bench.status).toContainText(`${NAME}: `);
  await expect(bench.status).toContainText('load 0x20000000');

  // Info: the ids, and why each script matches or not.
  await bench.button('info').click();
  await expect(page.getByTestId('bench-ids')).toContainText('0x2BA01477');
  await expect(page.getByTestId('bench-ids')).toContainText('0xE00FF000');
  await expect(bench.script(NAME)).toHaveAttribute('data-matched', 'true');
  await expect(bench.script(NAME)).toContainText('this one');
  await expect(bench.script('nRF52833')).toHaveAttribute('data-matched', 'false');
  await expect(bench.script('nRF52833')).toContainText(/PID\d reads 0x/);

  // Upload and run cpuid and init: the flash table.
  await bench.button('run-all').click();
  await expect(bench.run('init stage 1')).toHaveAttribute('data-ok', 'true');
  await expect(bench.run('cpuid')).toContainText('R1 0xACEFACE5');
  await expect(bench.flash).toContainText('Code Flash (0x08000000, 512 KiB)');
  await expect(bench.flash.locator('tbody tr')).toHaveCount(3);

  // One block erased, written with a pattern and read back.
  const result = await bench.testBlock(0x0800_4000, '55 AA 55 AA…');
  await expect(result).toHaveAttribute('data-matches', 'true');
  await expect(result).toContainText('reads blank');
  await expect(result).toContainText('55 aa 55 aa');

  // Saved among my scripts, the chip connects through it and a file flashes with it.
  await bench.button('save-flash').click();
  await expect(page.locator('[data-task="flash"]')).toBeVisible();
  await expect(devices.identity('chip')).toHaveText(NAME, { timeout: 30_000 });
  const file = path.join(dir, 'f411.hex');
  writeFileSync(file, intelHex(0x0800_0000, 24 * 1024));
  await app.openWithInput([file]);
  await app.waitUntilShown('f411.hex');
  await flow.flashButton.click();
  const done = await flow.waitForResult('done', 120_000);
  await expect(done).toContainText('verified');
  await expect(page.getByTestId('target-list')).toContainText(NAME);
});

test('an assembly error names its line and marks it in the editor', async ({ page }, info) => {
  const dir = info.outputPath('files');
  mkdirSync(dir, { recursive: true });
  const script = path.join(dir, 'bad.20000000.m0.S');
  writeFileSync(script, '    .syntax unified\n    .thumb\n    movs r0, #1\n    movs r9, #1\n');
  await app.goto('?sim&simLatency=zero');
  await bench.open();
  await bench.load(script);
  await expect(bench.problem).toContainText('bad.20000000.m0.S:4:');
  await expect(page.getByTestId('asm-error-line')).toHaveCount(1);
  await expect(page.getByTestId('asm-error-line')).toContainText('movs r9, #1');
});

test('with info and the stages shown: no serious or critical axe violations, light and dark', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await app.goto('?sim&simLatency=zero');
  await devices.addConnected('stm32f411');
  await bench.open();
  await page.getByTestId('bench-start-from').selectOption('stm32f4.20000000.m0.S');
  await expect(page.getByTestId('bench-editor')).toHaveAttribute('data-ready', 'true');
  await bench.button('info').click();
  await expect(page.getByTestId('bench-info-view')).toBeVisible();
  await bench.button('run-all').click();
  await expect(bench.flash).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary ?? ''}`));
    expect(serious, scheme).toEqual([]);
  }
  await screenshotBothThemes(page, 'workbench');
});
