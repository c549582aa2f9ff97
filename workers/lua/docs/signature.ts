/** Signatures of `mp` functions as the docs and completions show them. */
import { qualifiedName, type MpFunction } from '../spec';

/** `mp.memory.read(region, offset, length)` with optional parameters in brackets. */
export function signature(fn: MpFunction): string {
  const params = fn.params.map((p) => (p.optional ? `[${p.name}]` : p.name)).join(', ');
  return `${qualifiedName(fn)}(${params})`;
}

/** A snippet for the editor: required parameters as tab stops (`${1:region}`). */
export function snippet(fn: MpFunction): string {
  const required = fn.params.filter((p) => !p.optional);
  return `${qualifiedName(fn)}(${required.map((p, i) => `\${${i + 1}:${p.name}}`).join(', ')})`;
}
