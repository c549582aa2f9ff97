import { defineConfig } from '@playwright/test';
import { chromiumPath } from './scripts/chromium-path.mjs';

const PORT = Number(process.env.E2E_PORT ?? 4317);
/** Test files run in parallel, one browser per worker (E2E_WORKERS overrides). */
const WORKERS = Number(process.env.E2E_WORKERS ?? 2);
/**
 * Tests tagged `@responsiveness` measure the page's long tasks on the UI thread during a flash:
 * they run after all the others, one at a time, so a second browser does not compete with them
 * for the CPU. Everything else runs two at a time.
 */
const ALONE = /@responsiveness/;

/**
 * Chromium features the e2e browser turns off. Playwright passes its own `--disable-features`
 * list, and Chromium reads only the last such switch, so this one repeats Playwright 1.65's
 * list (coreBundle.js, `chromiumSwitches.ts`) and adds to it:
 * - `WebUIOmniboxPopup`, `WebUIOmniboxAimPopup`: headless Chromium 156 is the full browser and
 *   gives every new context two hidden address-bar popup WebUI pages (chrome://omnibox-popup…)
 *   in a renderer of their own, which took ~1 CPU-s per test, more than the app's page itself.
 *   Nothing in a test looks at the address bar (Puppeteer disables them too, puppeteer#15278).
 */
const DISABLED_FEATURES = [
  // Playwright's defaults.
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  // Ours.
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
];

/**
 * e2e tests run the production build (vite preview) in Debian's Chromium. Nothing is
 * downloaded: set CHROMIUM_PATH to use another Chromium. Two workers share the one static
 * server; every test has its own browser context (storage, IndexedDB, service worker), so the
 * `parallel` project hands out single tests, not whole files (no worker idles while the other
 * finishes a long file). The `alone` tests run last, by themselves.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: WORKERS,
  projects: [
    { name: 'parallel', grepInvert: ALONE, fullyParallel: true },
    { name: 'alone', grep: ALONE, dependencies: ['parallel'], workers: 1 },
  ],
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--disable-features=${DISABLED_FEATURES.join(',')}`,
      ],
    },
    trace: 'off',
    // A fresh context per test would install the service worker and precache every asset each
    // time (a quarter of the parallel specs' time). Only the specs about working offline let it
    // register (`test.use({ serviceWorkers: 'allow' })`); page.route also sees every request.
    serviceWorkers: 'block',
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
