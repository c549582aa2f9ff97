// Fails early, with the package to install, when the e2e tests cannot find Chromium.
import { requireChromium } from './chromium-path.mjs';

requireChromium();
