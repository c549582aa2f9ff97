/** Page object for the target picker (chip support): loading files, choosing a chip, footers. */
import type { Locator, Page } from '@playwright/test';

/** The target picker as a person sees it. */
export class TargetPickerPage {
  constructor(readonly page: Page) {}

  /** The panel. */
  get panel(): Locator {
    return this.page.getByTestId('target-picker');
  }

  /** Loads chip support files through the hidden file input ("Load chip support…"). */
  async load(paths: string[]): Promise<void> {
    await this.page.getByTestId('target-input').setInputFiles(paths);
  }

  /** The listed chip named exactly `name` (of the kind shown, when given). */
  entry(name: string, kind?: string): Locator {
    const items = this.page.getByTestId('target-list').locator('li', {
      has: this.page.locator('.name', { hasText: new RegExp(`^${name}$`) }),
    });
    return kind ? items.filter({ hasText: kind }) : items;
  }

  /** Searches the list. */
  async search(text: string): Promise<void> {
    await this.page.getByTestId('target-search').fill(text);
  }
}
