import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * The headers `public/_headers` (Netlify / Cloudflare Pages format) gives every path (`/*`):
 * cross-origin isolation (COOP/COEP, for the Lua worker's shared stop flag) and
 * `frame-ancestors`. The dev server and `vite preview` send the same ones, so what is tested
 * is what a host serves.
 */
function hostingHeaders(): Record<string, string> {
  const text = readFileSync(new URL('./public/_headers', import.meta.url), 'utf8');
  const headers: Record<string, string> = {};
  let inAllPaths = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      inAllPaths = line.trim() === '/*';
      continue;
    }
    const colon = line.indexOf(':');
    if (inAllPaths && colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

const HOSTING_HEADERS = hostingHeaders();

/**
 * Vite configuration: the static single-page app, its two module workers, the service worker
 * that makes it work offline (every built asset precached, including the Lua wasm and the
 * device scripts), and the unit tests.
 */
export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script',
      includeAssets: ['icons/*.png'],
      manifest: {
        name: 'WebProg',
        short_name: 'WebProg',
        description: 'Flash microcontrollers from the browser: CMSIS-DAP, ESP, micro:bit MicroPython.',
        theme_color: '#0f172a',
        background_color: '#0f172a',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,swds,json,png,svg,lua}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: 'index.html',
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  base: './',
  worker: { format: 'es' },
  optimizeDeps: { include: ['comlink', 'wasmoon', 'nrf-intel-hex'] },
  build: { target: 'es2022', sourcemap: true },
  server: { fs: { allow: ['.', '../shared'] }, headers: HOSTING_HEADERS },
  preview: { headers: HOSTING_HEADERS },
  test: {
    environment: 'node',
    // A test's time limit only catches hangs. Whole simulated flashes that take 5 s on an idle
    // machine took 30–35 s with both cores busy (load average 20: #14's check), so the limit
    // is wide; a hang still fails.
    testTimeout: 120_000,
    // Typed arrays compared in a blink instead of element by element (src/core/testing).
    setupFiles: ['src/core/testing/vitest-setup.ts'],
    pool: 'forks',
    // One worker per core: vitest's own default for `run` is cores − 1, a single worker on a
    // 2-core machine, which left one core idle for the whole unit run.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        // Pure logic, simulators and the CMSIS-DAP backend: no globals stubbed, no modules
        // mocked, so their files share a worker's loaded modules instead of each starting a
        // fresh one (22 core files: 62 s → 13 s on a busy machine; see the README).
        extends: true,
        test: {
          name: 'shared',
          include: [
            'src/core/**/*.test.ts',
            'src/sim/**/*.test.ts',
            'workers/device/**/*.test.ts',
            'device-scripts/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: ['src/sim/esp/**', 'workers/device/esp/**'],
          isolate: false,
        },
      },
      {
        // The simulated ESP boards with esptool-js, whose waits are all timers (reset steps,
        // timeouts on a silent chip): each test on a fake clock that jumps to the next timer
        // whenever nothing else can run (src/sim/testing/jumping-clock.ts: 58 s → 21 s).
        extends: true,
        test: {
          name: 'esp',
          include: ['src/sim/esp/**/*.test.ts', 'workers/device/esp/**/*.test.ts'],
          setupFiles: ['src/sim/testing/jumping-clock-setup.ts'],
        },
      },
      {
        // Files that stub globals, mock or spy on modules, or hold app and worker state: each
        // in a fresh module graph.
        extends: true,
        test: {
          name: 'isolated',
          include: [
            'src/state/**/*.test.ts',
            'src/ui/**/*.test.ts',
            'workers/lua/**/*.test.ts',
            'workers/shared/**/*.test.ts',
            'cli/**/*.test.ts',
          ],
        },
      },
    ],
  },
});
