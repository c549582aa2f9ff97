// Runs npm scripts at the same time (`node scripts/run-together.mjs typecheck lint build`): on
// a 2-core machine the type checks and the linters are each mostly one thread, so together they
// take about the time of the longer one, and the production build for the e2e tests fits beside
// them. Each script's output is printed whole, under its name, when
// it ends (never interleaved); the exit code is the first failure's, or 0.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node scripts/run-together.mjs <npm script>...');
  process.exit(2);
}

/** Runs `npm run <name>`; resolves with its exit code and everything it printed. */
function run(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npm', ['run', '--silent', name], { env: { ...process.env, FORCE_COLOR: '1' } });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      process.stdout.write(
        `\n> ${name} (${code === 0 ? 'passed' : `failed, exit code ${code}`}, ${seconds} s)\n`,
      );
      process.stdout.write(Buffer.concat(output));
      resolve(code ?? 1);
    });
  });
}

const codes = await Promise.all(names.map(run));
process.exit(codes.find((code) => code !== 0) ?? 0);
