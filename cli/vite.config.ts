import { defineConfig } from 'vite';

/**
 * The `webprog` command bundled for Node (`npm run build:cli`): one ES module in dist-cli/ with
 * the engine inside and the npm dependencies (usb, serialport, wasmoon, esptool-js…) left as
 * imports, so it starts without compiling TypeScript.
 */
export default defineConfig({
  root: '.',
  publicDir: false,
  build: {
    ssr: 'cli/main.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: false,
    minify: false,
    rollupOptions: { output: { entryFileNames: 'webprog.mjs', format: 'es' } },
  },
});
