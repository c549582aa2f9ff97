/**
 * Runs a file's tests on vitest's fake clock in `nextTimerAsync` mode, for tests whose only
 * waits are timers: the simulated ESP boards with esptool-js (which sleeps between reset steps
 * and gives up on a silent chip after its timeouts), and boards that re-enumerate. Whenever a
 * macrotask ends with nothing else to run, the clock jumps to the next timer and fires it.
 * Everything in these tests happens in this process (simulated ports, streams, promises), so
 * events come in the same order as on the wall clock, without waiting for it
 * (`src/sim/esp/faults.test.ts`: 19 s → 5 s). `Date`, `performance.now` and the timer functions
 * are all fake: a test about the wall clock itself calls `vi.useRealTimers()` first.
 */
import { afterEach, beforeEach, vi } from 'vitest';

/** Puts each test of the calling file on the jumping clock (call at the file's top level). */
export function useJumpingClock(): void {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setTimerTickMode('nextTimerAsync');
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
