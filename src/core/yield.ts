/**
 * Lets the event loop run between steps of a long operation, so messages (a cancel request,
 * a progress listener on the other side of a MessagePort) are handled while it works. Devices
 * that answer through microtasks only (the simulators) would otherwise hold the loop for the
 * whole operation. Uses `scheduler.yield()` where it exists, else a MessageChannel round trip
 * (no 4 ms timer clamping), else a timer.
 */
type Scheduler = { yield?: () => Promise<void> };
type Channel = {
  port1: { onmessage: unknown; postMessage(v: unknown): void; close?(): void };
  port2: { postMessage(v: unknown): void; close?(): void };
};

/** Resolves after pending tasks (messages, timers) have had a chance to run. */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Scheduler }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  const MessageChannelCtor = (globalThis as { MessageChannel?: new () => Channel }).MessageChannel;
  if (MessageChannelCtor) {
    return new Promise((resolve) => {
      const channel = new MessageChannelCtor();
      channel.port1.onmessage = () => {
        channel.port1.close?.();
        channel.port2.close?.();
        resolve();
      };
      channel.port2.postMessage(0);
    });
  }
  const timer = (globalThis as unknown as { setTimeout: (f: () => void, ms: number) => unknown }).setTimeout;
  return new Promise((resolve) => timer(resolve, 0));
}
