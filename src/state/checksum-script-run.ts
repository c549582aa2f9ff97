/**
 * Runs a checksum script over a file, as MultiProg runs the checksum script a profile names:
 * the file's data is the script's buffer (in the regions it is laid out in), and the script's
 * `mp.ui.set_statusbar(label, value)` is its result. The Lua worker starts on first use.
 */
import type { ChecksumScript } from './checksum-scripts';
import type { FileEntry } from './file-entry.svelte';

/** A checksum script's result. */
export interface ChecksumScriptResult {
  /** What it computed ("RL78 Block 0"). */
  label: string;
  /** The value as the script shows it ("0x1A2B"). */
  value: string;
}

/** Runs `script` over `file`; rejects with a message a person understands. */
export type RunChecksumScript = (script: ChecksumScript, file: FileEntry) => Promise<ChecksumScriptResult>;

/** What running a checksum script needs from the page. */
export interface ChecksumScriptRunDeps {
  /** Starts the Lua worker if it is not running yet. */
  startLua: () => Promise<void>;
  /** The selected device (a script may read the chip), if any. */
  deviceId: () => string | undefined;
  /** Where the script's log lines go (the session log). */
  onLog: (level: 'info' | 'warn' | 'error', text: string) => void;
}

/** The page's {@link RunChecksumScript}, on the page's script runner. */
export function checksumScriptRunner(deps: ChecksumScriptRunDeps): RunChecksumScript {
  return async (script, file) => {
    await deps.startLua();
    const { scriptRunner } = await import('./script-runtime');
    const runner = scriptRunner();
    if (!runner) throw new Error('Scripts cannot run on this page: the Lua worker did not start.');
    if (runner.running) throw new Error('Another script is running: wait for it to end, then compute again.');
    let status: ChecksumScriptResult | null = null;
    let firstError: string | undefined;
    const result = await runner.run(
      script.code,
      {
        chunkName: script.name,
        image: {
          regions: file.target.regions.map((r) => ({ ...r })),
          segments: file.data.segments().map((s) => ({ address: s.address, data: s.data })),
        },
        deviceId: deps.deviceId(),
        config: { target: file.target.name.split(' (')[0]!, file_path: file.name },
      },
      {
        onLog: (level, text) => {
          if (level === 'error') firstError ??= text;
          deps.onLog(
            level === 'error' ? 'error' : level === 'warn' || level === 'notify' ? 'warn' : 'info',
            `${script.name}: ${text}`,
          );
        },
        onStatus: (s) => {
          if (s) status = s;
        },
        // A checksum script runs unattended: it is never allowed to ask.
        confirm: () => false,
      },
    );
    if (!result.ok) throw new Error(result.error?.message ?? `${script.name} failed.`);
    if (firstError) throw new Error(`${script.name} reported an error: ${firstError}`);
    if (!status)
      throw new Error(
        `${script.name} gave no result: a checksum script shows it with mp.ui.set_statusbar(label, value).`,
      );
    return status;
  };
}
