/** Dropping a file on the page as a browser does, for the page objects. */
import type { Page } from '@playwright/test';

/**
 * Drops file `name` with `bytes` on `target` (a CSS selector): dragenter and dragover with a
 * real DataTransfer, waits for the drop overlay (`overlayTestId`), then drop.
 */
export async function dropFile(
  page: Page,
  target: string,
  overlayTestId: string,
  name: string,
  bytes: Uint8Array,
): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const binary = atob(base64);
      const data = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([data], name));
      return dt;
    },
    { name, base64: Buffer.from(bytes).toString('base64') },
  );
  for (const type of ['dragenter', 'dragover']) {
    await page.dispatchEvent(target, type, { dataTransfer: transfer });
  }
  await page.getByTestId(overlayTestId).waitFor();
  await page.dispatchEvent(target, 'drop', { dataTransfer: transfer });
}
