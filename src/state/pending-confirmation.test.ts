import { describe, expect, it } from 'vitest';
import { PendingConfirmation } from './pending-confirmation.svelte';

describe('PendingConfirmation', () => {
  it('shows the question until it is answered and resolves with the answer', async () => {
    const pending = new PendingConfirmation();
    expect(pending.current).toBeUndefined();
    const yes = pending.ask('Erase the chip?');
    expect(pending.current?.message).toBe('Erase the chip?');
    pending.answer(true);
    expect(pending.current).toBeUndefined();
    await expect(yes).resolves.toBe(true);

    const no = pending.ask('Write the block?');
    pending.current!.answer(false);
    await expect(no).resolves.toBe(false);
    expect(pending.current).toBeUndefined();
  });

  it('answers only once; an answer with no question waiting does nothing', async () => {
    const pending = new PendingConfirmation();
    pending.answer(true);
    const asked = pending.ask('Erase?');
    pending.answer(false);
    pending.answer(true);
    await expect(asked).resolves.toBe(false);
    expect(pending.current).toBeUndefined();
  });

  it('declines a waiting question when another is asked', async () => {
    const pending = new PendingConfirmation();
    const first = pending.ask('First?');
    const second = pending.ask('Second?');
    await expect(first).resolves.toBe(false);
    expect(pending.current?.message).toBe('Second?');
    pending.answer(true);
    await expect(second).resolves.toBe(true);
  });
});
