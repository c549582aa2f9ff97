import { describe, expect, it } from 'vitest';
import { yieldToEventLoop } from './yield';

describe('yieldToEventLoop', () => {
  it('lets queued tasks run before it resolves', async () => {
    let ran = false;
    setTimeout(() => (ran = true), 0);
    // Node clamps the timer to 1 ms: wait until it is due, so only the event loop stands
    // between it and running. A chain of microtasks alone would never let it run.
    const due = performance.now() + 5;
    while (performance.now() < due);
    for (let i = 0; i < 5 && !ran; i++) await yieldToEventLoop();
    expect(ran).toBe(true);
  });

  it('does not resolve synchronously', async () => {
    let resolved = false;
    const pending = yieldToEventLoop().then(() => (resolved = true));
    expect(resolved).toBe(false);
    await pending;
    expect(resolved).toBe(true);
  });
});
