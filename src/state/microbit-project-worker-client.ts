/** Starts the micro:bit project build worker (`microbit-project-worker.ts`) on the page. */
import { wrap } from 'comlink';
import { registerTransferHandlers } from '../../workers/shared/comlink-setup';
import type { ProjectBuilder } from './microbit-project-build';

/** The builder's methods as the page calls them (every result becomes a promise). */
export type ProjectBuilderClient = {
  [K in 'universalHex' | 'intelHex' | 'flashSegments' | 'openHex']: (
    ...args: Parameters<ProjectBuilder[K]>
  ) => Promise<ReturnType<ProjectBuilder[K]>>;
};

/** Starts the builder in its own module worker. Call once, when the micro:bit project is first opened. */
export function startProjectBuilder(): ProjectBuilderClient {
  registerTransferHandlers();
  const worker = new Worker(new URL('./microbit-project-worker.ts', import.meta.url), {
    type: 'module',
    name: 'microbit-project',
  });
  return wrap<ProjectBuilder>(worker);
}
