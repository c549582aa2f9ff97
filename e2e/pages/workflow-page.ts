/** Page object for the workflow bar: Flash, the other operations, progress, cancel and the result line. */
import { expect, type Locator, type Page } from '@playwright/test';

/** Test ids of the secondary operations. */
export type OperationButton =
  'op-read' | 'op-verify' | 'op-compare' | 'op-blank' | 'op-checksums' | 'op-erase';

/** The workflow as a person sees it. */
export class WorkflowPage {
  constructor(readonly page: Page) {}

  /** The Flash button. */
  get flashButton(): Locator {
    return this.page.getByTestId('flash-button');
  }

  /** The result line of the last operation. */
  get result(): Locator {
    return this.page.getByTestId('result-line');
  }

  /** The progress bar of the running operation. */
  get progress(): Locator {
    return this.page.getByTestId('progress');
  }

  /** Bytes, rate and time left of the running operation. */
  get progressText(): Locator {
    return this.page.getByTestId('progress-text');
  }

  /** The Cancel button (while an operation runs). */
  get cancelButton(): Locator {
    return this.page.getByTestId('cancel-button');
  }

  /** Starts a secondary operation. */
  async run(button: OperationButton): Promise<void> {
    await this.page.getByTestId(button).click();
  }

  /** Waits for the next result line with `outcome` (`done`, `mismatch`, `failed`, `cancelled`). */
  async waitForResult(outcome: string, timeout = 60_000): Promise<Locator> {
    const line = this.page.locator(`[data-testid="result-line"][data-outcome="${outcome}"]`);
    await line.waitFor({ timeout });
    return line;
  }

  /** Waits until progress shows bytes done in `stage` (e.g. "Flash"). */
  async waitForProgress(stage: string): Promise<void> {
    await this.page
      .locator('[data-testid="progress-stage"]', { hasText: stage })
      .waitFor({ timeout: 30_000 });
  }

  /** Waits for a refused Flash naming refusal `key`, with nothing flashed; returns the result line. */
  async waitForRefusal(key: string): Promise<Locator> {
    const line = await this.waitForResult('refused');
    await expect(line.locator(`[data-testid="refusal"][data-key="${key}"]`)).toBeVisible();
    await expect(this.page.getByTestId('log')).not.toContainText('Flashed ');
    return line;
  }
}
