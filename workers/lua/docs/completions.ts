/**
 * Editor completions for the `mp` API, generated from the specification: one entry per
 * module (`mp.backend`) and per function (`mp.backend.connect`).
 */
import { MP_API, MP_MODULES, qualifiedName } from '../spec';
import { signature, snippet } from './signature';

/** One completion item, in the shape editors (CodeMirror, Monaco) take with little mapping. */
export interface MpCompletion {
  /** Text matched against what was typed, e.g. "mp.memory.read". */
  label: string;
  /** "module" or "function". */
  kind: 'module' | 'function';
  /** One line: the signature and what it returns. */
  detail: string;
  /** Longer help: description and example. */
  documentation: string;
  /** Text inserted, with `${n:name}` tab stops for required parameters. */
  insertText: string;
}

/** Every completion of the API, modules first. */
export function mpCompletions(): MpCompletion[] {
  const modules: MpCompletion[] = MP_MODULES.map(({ module, summary }) => ({
    label: `mp.${module}`,
    kind: 'module',
    detail: `mp.${module}`,
    documentation: summary,
    insertText: `mp.${module}.`,
  }));
  const functions: MpCompletion[] = MP_API.map((fn) => ({
    label: qualifiedName(fn),
    kind: 'function',
    detail: `${signature(fn)} → ${fn.returns}`,
    documentation: `${fn.description}${fn.blocking ? ' Waits for the device or the page.' : ''}\n\n${fn.example}`,
    insertText: snippet(fn),
  }));
  return [...modules, ...functions];
}
