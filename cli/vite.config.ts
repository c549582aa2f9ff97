import { defineConfig } from 'vite';

/**
 * The `webprog` command bundled for Node (`npm run build:cli`): one ES module in dist-cli/ with
 * the engine and its pure-JavaScript dependencies (esptool-js, dapjs, yaml, fflate…) inside, so
 * it starts without compiling TypeScript or resolving a few hundred package files (that
 * resolution was half of the start-up). Left as imports: the native addons (usb, serialport)
 * and wasmoon, whose Emscripten loader finds its `.wasm` beside its own file.
 */
export default defineConfig({
  root: '.',
  publicDir: false,
  ssr: { noExternal: true, external: ['usb', 'serialport', 'wasmoon'] },
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
