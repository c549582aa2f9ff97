// Where the e2e tests find Chromium: $CHROMIUM_PATH, else Debian's /usr/bin/chromium.
// No test ever downloads a browser.
import { existsSync } from 'node:fs';

/** The Chromium executable the e2e tests drive. */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Exits with a clear message when Chromium is missing. */
export function requireChromium() {
  const path = chromiumPath();
  if (!existsSync(path)) {
    console.error(
      `No Chromium at ${path}.\n` +
        `Install Debian's package:  sudo apt-get install chromium\n` +
        `or point CHROMIUM_PATH at a Chromium/Chrome executable.`,
    );
    process.exit(1);
  }
  return path;
}
