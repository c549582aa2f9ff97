import { defineConfig } from 'vite';

/**
 * The `webprog` command bundled for Node (`npm run build:cli`): dist-cli/webprog.mjs with the
 * engine and its pure-JavaScript dependencies (dapjs, pako…) inside, so it starts without
 * compiling TypeScript or resolving a few hundred package files (that resolution was half of
 * the start-up). What a command may not need is behind a dynamic `import()` and goes to
 * dist-cli/chunks/, loaded when used: esptool-js (an ESP connect), the target-file parsers
 * (yaml, fast-xml-parser, fflate for `--target`), the Lua runtime (`run`) and each family of
 * simulated boards (`--sim`). Every module the entry imports statically is kept in the entry
 * itself (the `$initial` group), so start-up reads one file. Left as imports: the native
 * addons (usb, serialport) and wasmoon, whose Emscripten loader finds its `.wasm` beside its
 * own file.
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
    rollupOptions: {
      output: {
        entryFileNames: 'webprog.mjs',
        chunkFileNames: 'chunks/[name]-[hash].js',
        format: 'es',
        codeSplitting: { groups: [{ name: 'startup', tags: ['$initial'] }] },
      },
    },
  },
});
