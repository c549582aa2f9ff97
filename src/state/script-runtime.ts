/**
 * Where the script panel finds the page's script runner. The composition root's worker setup
 * (`createWorkerClients`) provides it once; the panel, loaded on demand, asks for it. Nothing
 * runs at import.
 */
import type { LuaRunnerClient } from '../../workers/lua/lua-runner-client';

/** What the panel uses of the runner. */
export type ScriptRunner = Pick<LuaRunnerClient, 'run' | 'stop' | 'running'>;

let provided: ScriptRunner | undefined;

/** Makes `runner` the page's script runner. */
export function provideScriptRunner(runner: ScriptRunner): void {
  provided = runner;
}

/** The page's script runner, or undefined when the page has none (tests, a failed start). */
export function scriptRunner(): ScriptRunner | undefined {
  return provided;
}
