/**
 * The micro:bit serial pane (MicroPython REPL through DAPLink's UART commands) in Chromium
 * against a simulated micro:bit V2 with realistic USB timing (`?sim`): a small firmware that
 * prints a banner and echoes what it receives (src/sim/chips/test-programs/nrf-uart-echo.S) is
 * flashed from the main workflow; the pane opens, Reset starts the program again and its banner
 * shows, a typed line comes back, a traceback links to its line in the editor, and the console
 * keeps going through a second flash.
 */
import { expect, test } from '@playwright/test';
import { nrfUartEcho } from '../src/sim/chips/test-programs/programs';
import { AppPage, binaryFile } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { MicrobitProjectPage } from './pages/microbit-project-page';
import { WorkflowPage } from './pages/workflow-page';
import { screenshotBothThemes } from './screenshots';

const NAME = 'uart-echo.hex';

/** `bytes` at address 0 as Intel HEX. */
function intelHex(bytes: Uint8Array): string {
  const record = (type: number, address: number, data: number[]) => {
    const body = [data.length, address >> 8, address & 0xff, type, ...data];
    const sum = (0x100 - (body.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
    return `:${[...body, sum].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('')}`;
  };
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) lines.push(record(0, at, [...bytes.subarray(at, at + 16)]));
  lines.push(record(1, 0, []));
  return `${lines.join('\n')}\n`;
}

test('the serial pane shows what the simulated micro:bit prints and echoes a typed line', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  const app = new AppPage(page);
  const devices = new DevicePanelPage(page);
  const flow = new WorkflowPage(page);
  const microbit = new MicrobitProjectPage(page);
  await microbit.routeFirmware();
  await app.goto('?sim');
  await app.showTask('flash');
  await page.getByTestId('file-input').setInputFiles(binaryFile(NAME, Buffer.from(intelHex(nrfUartEcho))));
  await app.waitUntilShown(NAME);
  await devices.addConnected('microbit-v2');
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText(`Flashed ${NAME}`);

  await microbit.open();
  await expect(page.getByTestId('mb-send-target')).toBeVisible({ timeout: 30_000 });
  const output = page.getByTestId('mb-serial-output');
  await page.getByTestId('mb-serial-open').click();
  await expect(page.getByTestId('mb-serial-status')).toHaveText('open, 115200 baud');
  await page.getByTestId('mb-serial-reset').click();
  await expect(output).toContainText('WebProg UART echo', { timeout: 30_000 });

  const input = page.getByTestId('mb-serial-input');
  await input.fill('print("hello micro:bit")');
  await input.press('Enter');
  await expect(output).toContainText('WebProg UART echo\nprint("hello micro:bit")', { timeout: 30_000 });
  await expect(page.getByTestId('mb-serial-message')).toHaveCount(0);
  await screenshotBothThemes(page, 'microbit-serial');
  await page.emulateMedia({ colorScheme: 'light' });

  // A traceback in the output links to its line in the editor (the echo prints what is typed).
  for (const line of [
    'Traceback (most recent call last):',
    '  File "main.py", line 7, in <module>',
    "NameError: name 'x' isn't defined",
  ]) {
    await input.fill(line);
    await input.press('Enter');
  }
  const link = page.getByTestId('mb-serial-traceback-link');
  await expect(link).toHaveText('main.py, line 7', { timeout: 30_000 });
  await expect(page.getByTestId('mb-serial-traceback')).toContainText("NameError: name 'x' isn't defined");
  await link.click();
  await expect(microbit.editor).toBeFocused();
  expect(await page.evaluate(() => document.getSelection()?.toString())).toContain(
    'display.show(Image.HEART)',
  );

  // A second flash while the console is open: it waits for a poll, the console carries on, and
  // Reset shows the banner again.
  await page.getByTestId('mb-serial-ctrl-c').click();
  await app.showTask('flash');
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText(`Flashed ${NAME}`);
  await app.showTask('microbit');
  await page.getByTestId('mb-serial-reset').click();
  await expect(output).toContainText("isn't defined\nWebProg UART echo", { timeout: 30_000 });
  expect(app.errors, 'console errors').toEqual([]);
});
