/** The Chromium executable the e2e tests drive ($CHROMIUM_PATH or /usr/bin/chromium). */
export function chromiumPath(): string;
/** Exits with a clear message when Chromium is missing; returns its path otherwise. */
export function requireChromium(): string;
