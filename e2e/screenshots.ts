/** Writes the screenshots of the e2e run into docs/screenshots/ (shown in the README). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';

/** Where the screenshots go. */
export const SCREENSHOTS = path.resolve(process.cwd(), 'docs/screenshots');

/** Saves the page as `<name>-light.png` and `<name>-dark.png` at its current size. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${scheme}.png`) });
  }
}
