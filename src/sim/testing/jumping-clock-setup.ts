/** Vitest setup file: every test of the project runs on the jumping clock (`jumping-clock.ts`). */
import { useJumpingClock } from './jumping-clock';

useJumpingClock();
