/** Page object for the WebProg shell: the controls the e2e specs drive, by their test ids. */
import type { Download, Locator, Page } from '@playwright/test';
import { dropFile } from './drop';

/** A binary file for `setInputFiles`. */
export function binaryFile(name: string, buffer: Buffer) {
  return { name, mimeType: 'application/octet-stream', buffer };
}

/** The app as a person sees it. */
export class AppPage {
  /** Console errors and uncaught exceptions seen since {@link goto}. */
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(message.text());
    });
    page.on('pageerror', (error) => this.errors.push(error.message));
  }

  /** Opens the app; `query` adds page options such as `?sim&simLatency=zero`. */
  async goto(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
  }

  /** Status bar entry of a worker (`device` or `lua`). */
  workerStatus(worker: 'device' | 'lua'): Locator {
    return this.page.getByTestId(`status-${worker}`);
  }

  /** Opens files through the hidden file input (what "Open…" uses). */
  async openWithInput(paths: string[]): Promise<void> {
    await this.page.getByTestId('file-input').setInputFiles(paths);
  }

  /** Drops a file on the window the way a browser does: dragenter, dragover, drop with a DataTransfer. */
  async dropFile(name: string, bytes: Uint8Array): Promise<void> {
    await dropFile(this.page, 'body', 'drop-overlay', name, bytes);
  }

  /** Waits until the file `name` is open and shown (what Flash and the other operations take). */
  async waitUntilShown(name: string): Promise<void> {
    await this.fileItem(name).locator('[aria-current="true"]').waitFor();
  }

  /** The list entry of an opened file. */
  fileItem(name: string): Locator {
    return this.page.locator(`[data-testid="file-item"][data-name="${name}"]`);
  }

  /** A region button in the region list. */
  region(name: string): Locator {
    return this.page.locator(`[data-testid="region"][data-region="${name}"]`);
  }

  /** A rendered hex row by its address. */
  hexRow(address: number): Locator {
    return this.page.getByTestId(`hex-row-${address.toString(16).toUpperCase().padStart(8, '0')}`);
  }

  /** Types an address into "Go to" and submits it. */
  async gotoAddress(text: string): Promise<void> {
    await this.page.getByTestId('goto-input').fill(text);
    await this.page.getByTestId('goto-button').click();
  }

  /** Shows a job by its tab: `home`, `flash`, `microbit`, `classroom`, `scripts`, `inspect`. */
  async showTask(task: string): Promise<void> {
    await this.page.getByTestId(`task-${task}`).click();
  }

  /** Computes a checksum of the region shown (in Inspect and convert files); returns the hex shown. */
  async checksum(algorithm: string): Promise<string> {
    await this.showTask('inspect');
    await this.page.getByTestId('checksum-algorithm').selectOption(algorithm);
    await this.page.getByTestId('checksum-compute').click();
    const result = this.page.getByTestId('checksum-result');
    await result.waitFor();
    return (await result.textContent())?.trim() ?? '';
  }

  /** Saves with the given format choice (in Inspect and convert files) and returns the download. */
  async saveAs(choice: string): Promise<Download> {
    await this.showTask('inspect');
    await this.page.getByTestId('save-format').selectOption(choice);
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('save-button').click();
    return download;
  }
}
