/** Runs scripts through the real Lua service against a {@link FakeDevice}, recording callbacks. */
import { createLuaService } from '../service';
import type { LogLevel, ScriptCallbacks, ScriptFile, ScriptRunOptions, ScriptRunResult } from '../api';
import { imageToDto } from '../../device/image-dto';
import { FAKE_DEVICE_ID, FakeDevice, fakeImage } from './fake-device';

/** What a test run recorded. */
export interface ScriptOutcome extends ScriptRunResult {
  /** Log lines as "level: text". */
  logs: string[];
  /** Status bar updates (null = reset). */
  statuses: ({ label: string; value: string } | null)[];
  /** Questions asked through confirm. */
  questions: string[];
  /** Files saved, as reported to the page. */
  saved: ScriptFile[];
}

/** Options of {@link runScript}. */
export interface RunScriptOptions extends Partial<ScriptRunOptions> {
  /** Answer to every confirmation (default true). */
  answer?: boolean;
  /** File the picker returns (default: cancelled). */
  picked?: ScriptFile | null;
  /** Records what the picker was asked for (`accept`, and the path a script could not find). */
  pickRequests?: { accept: string; wanted?: string }[];
}

/**
 * Runs `code` on `service` with `defaults` (anything in `options` overrides them), recording
 * the log, status updates, confirmations and saved files.
 */
export async function runRecorded(
  service: Pick<ReturnType<typeof createLuaService>, 'run'>,
  code: string,
  defaults: ScriptRunOptions,
  options: RunScriptOptions = {},
): Promise<ScriptOutcome> {
  const logs: string[] = [];
  const statuses: ScriptOutcome['statuses'] = [];
  const questions: string[] = [];
  const saved: ScriptFile[] = [];
  const callbacks: ScriptCallbacks = {
    onLog: (level: LogLevel, text: string) => void logs.push(`${level}: ${text}`),
    onStatus: (status) => void statuses.push(status),
    confirm: (message) => {
      questions.push(message);
      return options.answer ?? true;
    },
    pickFile: async (accept, wanted) => {
      options.pickRequests?.push({ accept, wanted });
      return options.picked ?? null;
    },
    onFileSaved: (file) => void saved.push(file),
  };
  const result = await service.run(code, { ...defaults, ...options }, callbacks);
  return { ...result, logs, statuses, questions, saved };
}

/** A Lua service bound to `device` (a fresh {@link FakeDevice} by default). */
export function createTestRunner(device: FakeDevice = new FakeDevice()) {
  const service = createLuaService({ version: '9.9.9-test', device });
  return {
    device,
    service,
    /** Runs `code` with the fake chip's empty buffer and the fake device selected. */
    run(code: string, options: RunScriptOptions = {}): Promise<ScriptOutcome> {
      return runRecorded(
        service,
        code,
        { image: imageToDto(fakeImage()), deviceId: FAKE_DEVICE_ID },
        options,
      );
    },
  };
}
