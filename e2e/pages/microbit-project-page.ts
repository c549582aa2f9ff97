/** Page object for the micro:bit project workspace: the controls the e2e specs drive, by test id. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Download, type Locator, type Page } from '@playwright/test';
import { MICROPYTHON_RELEASES } from '../../src/core/microbit/firmware-catalogue';
import { dropFile } from './drop';

/** The fixture files served in place of the catalogue's download addresses. */
const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const FIRMWARE_FILES: Record<string, string> = { V1: 'micropython-v1.1.1.hex', V2: 'micropython-v2.1.2.hex' };

/** The micro:bit workspace as a person sees it. */
export class MicrobitProjectPage {
  /** Catalogue addresses requested so far. */
  readonly firmwareRequests: string[] = [];

  constructor(readonly page: Page) {}

  /**
   * Serves the fixture MicroPython hexes at every catalogue address the way the real hosts do:
   * the CORS mirrors (jsDelivr, raw.githubusercontent.com) with `Access-Control-Allow-Origin`,
   * the GitHub release assets without permission for the page's origin, so Chromium refuses to
   * hand those to the page. (Playwright adds a permissive `Access-Control-Allow-Origin` to a
   * fulfilled cross-origin response that has none, so the refused ones name another origin,
   * which Chromium refuses the same way as a missing header.) `no-cors` serves every address
   * so (every source refused); `offline` fails every request as a lost network does.
   */
  async routeFirmware(mode: 'serve' | 'no-cors' | 'offline' = 'serve'): Promise<void> {
    for (const entry of MICROPYTHON_RELEASES) {
      for (const url of [entry.url, ...entry.mirrors]) {
        const cors = mode === 'serve' && entry.mirrors.includes(url);
        await this.page.route(url, async (route) => {
          this.firmwareRequests.push(url);
          if (mode === 'offline') return route.abort('internetdisconnected');
          return route.fulfill({
            status: 200,
            headers: {
              'content-type': 'application/octet-stream',
              'access-control-allow-origin': cors ? '*' : 'https://github.com',
            },
            body: readFileSync(path.join(FIXTURES, FIRMWARE_FILES[entry.board])),
          });
        });
      }
    }
  }

  /** Waits until the background fetch has MicroPython for both boards available offline. */
  async waitForFirmwareCached(): Promise<void> {
    for (const board of ['V1', 'V2']) {
      await expect(this.page.getByTestId(`mb-firmware-${board}`)).toContainText('available offline');
    }
  }

  /** Opens the workspace with the micro:bit Python tab (one click) and waits for the editor. */
  async open(): Promise<void> {
    await this.page.getByTestId('task-microbit').click();
    await this.workspace.waitFor();
    await this.page.locator('[data-testid="mb-editor"][data-ready="true"]').waitFor();
  }

  /** The workspace. */
  get workspace(): Locator {
    return this.page.getByTestId('mb-workspace');
  }

  /** The editor's text area (CodeMirror content). */
  get editor(): Locator {
    return this.page.getByTestId('mb-editor-content');
  }

  /** The storage meter. */
  get meter(): Locator {
    return this.page.getByRole('meter', { name: 'Storage on the micro:bit' });
  }

  /** The panel's message line. */
  get notice(): Locator {
    return this.page.getByTestId('mb-notice');
  }

  /** A file of the list by name. */
  file(name: string): Locator {
    return this.page.locator(`[data-testid="mb-file"][data-name="${name}"]`);
  }

  /** Shows a file in the editor. */
  async select(name: string): Promise<void> {
    await this.file(name).getByRole('button', { name, exact: true }).click();
    await this.page.locator(`[data-testid="mb-editor"][data-file="${name}"]`).waitFor();
  }

  /** Replaces the shown file's code as if pasted. */
  async replaceCode(code: string): Promise<void> {
    await this.editor.click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(code);
  }

  /** Adds a module by typing its name. */
  async addFile(name: string): Promise<void> {
    await this.page.getByTestId('mb-new-file').fill(name);
    await this.page.getByTestId('mb-add-file').click();
  }

  /** Answers the open question with choice `id` ('cancel' for Cancel); returns its title. */
  async answer(id: string): Promise<string> {
    const dialog = this.page.getByTestId('mb-question');
    await dialog.getByRole('heading').waitFor();
    const title = (await dialog.getByRole('heading').textContent()) ?? '';
    await this.page.getByTestId(`mb-question-${id}`).click();
    return title;
  }

  /** Clicks Download and returns the download. */
  async download(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('mb-download').click();
    return download;
  }

  /** Drops a file on the workspace as a browser does. */
  async drop(name: string, bytes: Uint8Array): Promise<void> {
    await dropFile(this.page, '[data-testid="mb-workspace"]', 'mb-drop-overlay', name, bytes);
  }
}
