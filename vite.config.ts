import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Vite configuration: the static single-page app, its two module workers, and the unit tests. */
export default defineConfig({
  plugins: [svelte()],
  base: './',
  worker: { format: 'es' },
  optimizeDeps: { include: ['comlink', 'wasmoon', 'nrf-intel-hex'] },
  build: { target: 'es2022', sourcemap: true },
  server: { fs: { allow: ['.', '../shared'] } },
  test: {
    include: [
      'src/**/*.test.ts',
      'workers/**/*.test.ts',
      'device-scripts/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
  },
});
