// Writes public/docs/lua-api.html from the mp API specification, formatted with the project's
// Prettier settings. Run with: node --import tsx workers/lua/docs/generate-docs.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { renderApiDocs } from './api-docs.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const target = resolve(root, 'public/docs/lua-api.html');
const config = (await resolveConfig(target)) ?? {};
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, await format(renderApiDocs(), { ...config, filepath: target }));
console.log(`wrote ${target}`);
