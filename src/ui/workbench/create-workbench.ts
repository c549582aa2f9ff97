/**
 * Builds the chip workbench's state from the app state (loaded with the workbench, so the
 * assembler and the shipped script sources are not part of the page's first JavaScript).
 */
import type { AppState } from '../../state/app-state.svelte';
import { WorkbenchState } from '../../state/workbench.svelte';
import { workbenchClient } from '../../state/workbench-client';
import { shippedIncludes } from '../../state/workbench-sources';

/** The workbench of `app`, on its device worker. */
export function createWorkbenchState(app: AppState): WorkbenchState {
  return new WorkbenchState({
    client: workbenchClient(app.deviceCalls),
    log: app.log,
    includes: shippedIncludes(),
    device: () => {
      const selected = app.devices.selected;
      return selected?.summary.type === 'cmsis-dap'
        ? { id: selected.summary.id, name: selected.title }
        : undefined;
    },
    saveScript: (file, bytes) => app.targets.load(file, bytes),
    reconnect: async (id) => {
      await app.devices.disconnect(id);
      return (await app.devices.connect(id)) !== undefined;
    },
  });
}
