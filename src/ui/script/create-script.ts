/** Builds the script panel's state for the page (loaded with the panel, on demand). */
import type { AppState } from '../../state/app-state.svelte';
import { ScriptState } from '../../state/script.svelte';
import { scriptRunner } from '../../state/script-runtime';
import { downloadBytes } from '../download';

/** The script panel's state, wired to the page's runner, selected device and log. */
export function createScriptState(app: AppState): ScriptState {
  return new ScriptState({
    runner: scriptRunner(),
    deviceId: () => app.devices.selectedId,
    log: app.log,
    fetchText: async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.text();
    },
    download: downloadBytes,
  });
}
