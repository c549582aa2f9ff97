/** Page object for the Lua script panel: examples, the editor, Run/Stop, the console. */
import type { Locator, Page } from '@playwright/test';

/** The script panel as a person sees it. */
export class ScriptPanelPage {
  constructor(readonly page: Page) {}

  /** The panel (covers the shell while open). */
  get panel(): Locator {
    return this.page.getByTestId('script-panel');
  }

  /** Opens the panel with the Scripts tab (one click) and waits for the editor. */
  async open(): Promise<void> {
    await this.page.getByTestId('task-scripts').click();
    await this.page.locator('[data-testid="script-editor"][data-ready="true"]').waitFor();
  }

  /** Loads a bundled example into the editor. */
  async chooseExample(file: string): Promise<void> {
    await this.page.getByTestId('script-example').selectOption(file);
    await this.page.getByTestId('script-file').filter({ hasText: file }).waitFor();
  }

  /** Replaces the editor's text by typing it (select all, then insert). */
  async replaceCode(code: string): Promise<void> {
    const content = this.page.getByTestId('script-editor-content');
    await content.click();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(code);
  }

  /** The editor's text. */
  async code(): Promise<string> {
    return (await this.page.getByTestId('script-editor-content').innerText()).replace(/\u00a0/g, ' ');
  }

  /** The Run button. */
  get run(): Locator {
    return this.page.getByTestId('script-run');
  }

  /** The Stop button (shown while a script runs). */
  get stop(): Locator {
    return this.page.getByTestId('script-stop');
  }

  /** Console lines. */
  get lines(): Locator {
    return this.page.getByTestId('script-line');
  }

  /** The confirmation dialog. */
  get question(): Locator {
    return this.page.getByTestId('script-question');
  }

  /** The script's status line. */
  get status(): Locator {
    return this.page.getByTestId('script-status');
  }
}
