/** Builds the script panel's state for the page (loaded with the panel, on demand). */
import type { AppState } from '../../state/app-state.svelte';
import { ScriptState } from '../../state/script.svelte';
import { runContextOf } from '../../state/script-run-context';
import { scriptRunner } from '../../state/script-runtime';
import { storedShortcuts } from '../../state/script-shortcuts';
import {
  ScriptWorkspace,
  browserFolderPicker,
  indexedDbFolderMemory,
} from '../../state/script-workspace.svelte';
import { safeStorage } from '../../state/theme.svelte';
import { downloadBytes } from '../download';

/**
 * The script panel's state, wired to the page's runner, selected device (and what is connected
 * on it, for `mp.config.get()`), the file shown, the workspace folder, the shortcuts kept in storage and the log.
 */
export function createScriptState(app: AppState): ScriptState {
  return new ScriptState({
    runner: scriptRunner(),
    deviceId: () => app.devices.selectedId,
    runContext: () => runContextOf({ device: app.devices.selected, fileName: app.files.selected?.name }),
    shortcuts: storedShortcuts(safeStorage()),
    workspace: new ScriptWorkspace({ pickFolder: browserFolderPicker(), memory: indexedDbFolderMemory() }),
    log: app.log,
    fetchText: async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.text();
    },
    download: downloadBytes,
  });
}
