import { describe, expect, it } from 'vitest';
import { yieldToEventLoop } from './yield';

describe('yieldToEventLoop', () => {
  it('lets queued tasks run before it resolves', async () => {
    let ran = false;
    setTimeout(() => (ran = true), 0);
    // A chain of microtasks alone would never let the timer run.
    for (let i = 0; i < 20 && !ran; i++) await yieldToEventLoop();
    expect(ran).toBe(true);
  });
});
