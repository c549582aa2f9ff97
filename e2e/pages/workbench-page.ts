/** Page object for the chip workbench: opening a script, info, stages, block test, save and flash. */
import type { Locator, Page } from '@playwright/test';

/** The chip workbench as a person sees it. */
export class WorkbenchPage {
  constructor(readonly page: Page) {}

  /** Opens the Chip workbench job and waits for its editor. */
  async open(): Promise<void> {
    await this.page.getByTestId('task-workbench').click();
    await this.page.getByTestId('workbench').waitFor();
  }

  /** Opens a script file (assembly source or built `.swds`) through "Open script…". */
  async load(path: string): Promise<void> {
    await this.page.getByTestId('bench-file-input').setInputFiles([path]);
  }

  /** The line saying what was assembled. */
  get status(): Locator {
    return this.page.getByTestId('bench-status');
  }

  /** Why the last step failed. */
  get problem(): Locator {
    return this.page.getByTestId('bench-problem');
  }

  /** A button of the workbench by its test id suffix (`info`, `run-all`, `save-flash`…). */
  button(name: string): Locator {
    return this.page.getByTestId(`bench-${name}`);
  }

  /** The info's row for the script named `name`. */
  script(name: string): Locator {
    return this.page.getByTestId('bench-script').filter({ hasText: name });
  }

  /** The run of entry `entry` (`cpuid`, `init stage 1`…). */
  run(entry: string): Locator {
    return this.page.locator(`[data-testid="bench-run"][data-entry="${entry}"]`);
  }

  /** The flash table init described. */
  get flash(): Locator {
    return this.page.getByTestId('bench-flash');
  }

  /** Runs the block test on `address` (hex text as listed) with the pattern labelled `pattern`, confirming. */
  async testBlock(address: number, pattern: string): Promise<Locator> {
    await this.page.getByTestId('bench-block').selectOption({ value: String(address) });
    await this.page.getByTestId('bench-pattern').selectOption({ label: pattern });
    await this.button('block-run').click();
    await this.page.getByTestId('bench-confirm-yes').click();
    return this.page.getByTestId('bench-block-result');
  }
}
