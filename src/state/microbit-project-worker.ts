/**
 * Worker entry for micro:bit project builds: exposes a {@link ProjectBuilder} through comlink so
 * building a Universal Hex (≈ 0.4 s the first time) or reading an opened hex never blocks the
 * page. The page starts it with `startProjectBuilder()` from `microbit-project-worker-client.ts`.
 */
import { expose } from 'comlink';
import { registerTransferHandlers } from '../../workers/shared/comlink-setup';
import { ProjectBuilder } from './microbit-project-build';

registerTransferHandlers();
expose(new ProjectBuilder());
