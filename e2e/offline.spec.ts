/**
 * The app works with no network once loaded: the service worker precaches every asset
 * (including the Lua wasm and the device scripts), so after going offline a reload still opens
 * a hex and both workers still answer. The Content-Security-Policy allows all of it.
 */
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { V2_NAME, V2_PATH } from './v2-hex';
import { DevicePanelPage } from './pages/device-panel';
import { WorkflowPage } from './pages/workflow-page';

// This spec is about the service worker: let it register (the config blocks it elsewhere).
test.use({ serviceWorkers: 'allow' });

test('loads once, then works offline: reload, open a hex, flash the simulated board', async ({
  page,
  context,
}) => {
  const app = new AppPage(page);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
  });
  await app.goto('?sim&simLatency=zero');
  await expect(app.workerStatus('device')).toContainText(/ready/i);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // Wait until the service worker controls the page (it claims clients once installed).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', () => resolve()),
      );
    }
  });

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('main')).toBeVisible();
  await expect(app.workerStatus('device')).toContainText(/ready/i);
  // The service worker's copy of the page keeps the isolation headers.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await app.openWithInput([V2_PATH]);
  await expect(app.fileItem(V2_NAME)).toBeVisible();
  await expect(app.region('Code Flash')).toBeVisible();
  // Flash the simulated micro:bit V2 with no network at all.
  await new DevicePanelPage(page).addSimulated('microbit-v2');
  const flow = new WorkflowPage(page);
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText('verified');
  // The Lua worker loads on first use: its wasm comes from the precache too.
  await page.getByTestId('task-scripts').click();
  await expect(app.workerStatus('lua')).toContainText(/ready/i);
  expect(violations).toEqual([]);
  expect(app.errors).toEqual([]);
});

test('the page declares a strict Content-Security-Policy', async ({ page }) => {
  await page.goto('/');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).toContain("object-src 'none'");
  const inlineScripts = await page.locator('script:not([src])').count();
  expect(inlineScripts).toBe(0);
});

test('the host headers isolate the page (shared stop flag for Lua) and forbid framing', async ({ page }) => {
  const app = new AppPage(page);
  const response = await page.goto('/?sim');
  const headers = response?.headers() ?? {};
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
  expect(headers['content-security-policy']).toBe("frame-ancestors 'none'");
  // The Lua worker starts when scripts are first used.
  await page.getByTestId('task-scripts').click();
  await expect(app.workerStatus('lua')).toContainText(/ready/i);
  expect(await page.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === 'function')).toBe(
    true,
  );
  // Both workers (the Lua worker holds the stop flag) are isolated too.
  expect(page.workers().length).toBeGreaterThanOrEqual(2);
  for (const worker of page.workers()) {
    expect(await worker.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === 'function')).toBe(
      true,
    );
  }
  expect(app.errors).toEqual([]);
});
