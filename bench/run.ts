/**
 * `npm run bench`: runs every `bench/*.bench.ts`, prints each figure beside its target,
 * physical limit and peer, and writes `bench/results.json`.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types';
import { formatTable } from './table';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

async function main(): Promise<void> {
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const results: (BenchResult & { suite: string })[] = [];
  let failures = 0;
  for (const file of files) {
    const suite = file.replace(/\.bench\.ts$/, '');
    process.stderr.write(`running ${suite}…\n`);
    try {
      const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
      for (const r of await mod.run()) results.push({ suite, ...r });
    } catch (error) {
      failures++;
      process.stderr.write(
        `  ${suite} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  console.log(formatTable(results));
  writeFileSync(
    join(here, 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n',
  );
  console.log(`\n${results.length} figures written to bench/results.json`);
  if (failures > 0) process.exitCode = 1;
}

await main();
