/**
 * How long each fuzzing property runs: 1 s in `npm test`, where every run draws new inputs
 * (fast-check picks a fresh seed), or `FUZZ_MS` milliseconds for a longer soak, e.g.
 * `FUZZ_MS=60000 npx vitest run src/core/formats/readers.fuzz.test.ts`.
 */
export const FUZZ_PROPERTY_MS = Number(
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.FUZZ_MS ?? 1_000,
);

/** fast-check parameters for a property that runs for {@link FUZZ_PROPERTY_MS}, however many inputs that is. */
export const FUZZ_RUNS = {
  numRuns: 1_000_000_000,
  interruptAfterTimeLimit: FUZZ_PROPERTY_MS,
  markInterruptAsFailure: false,
} as const;
