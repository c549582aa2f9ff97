#!/usr/bin/env node
// The `webprog` command. Runs the bundled build (dist-cli/, made by `npm run build:cli`, and
// before `npm pack`) when there is one, else the TypeScript sources through tsx (a checkout).
// WEBPROG_FROM_SOURCE=1 always runs the sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A reader that stops early (`webprog list --json | head -1`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const built = new URL('../dist-cli/webprog.mjs', import.meta.url);
let main;
if (!process.env.WEBPROG_FROM_SOURCE && existsSync(fileURLToPath(built))) {
  ({ main } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(new URL('../cli/main.ts', import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
