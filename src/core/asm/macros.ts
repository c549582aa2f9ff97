/**
 * GNU as macros: `.macro name a, b=default, c:req, d:vararg` headers, binding the arguments of a
 * call (positional, `name=value`, quoted strings lose their quotes, vararg takes the rest), and
 * the body with `\name`, `\@` (the expansion counter) and `\()` substituted.
 */
import { AsmFail } from './fail';
import { splitTopLevel } from './operands';
import type { SourceLine } from './source';

/** One macro parameter. */
export interface MacroParam {
  /** Name used as `\name` in the body. */
  name: string;
  /** Default value. */
  def: string;
  /** `:req`: a value must be given. */
  req: boolean;
  /** `:vararg`: takes all remaining arguments. */
  vararg: boolean;
}

/** A defined macro. */
export interface Macro {
  /** Parameters in order. */
  params: MacroParam[];
  /** Body lines as written. */
  body: SourceLine[];
}

/** Parses the operands of `.macro`: the name and parameters. */
export function parseMacroHeader(rest: string): { name: string; params: MacroParam[] } {
  const m = /^([A-Za-z_.$][\w.$]*)\s*,?\s*(.*)$/.exec(rest.trim());
  if (!m) throw new AsmFail('ASM_SYNTAX', '.macro needs a name');
  const params = (m[2]!.trim() === '' ? [] : m[2]!.trim().split(/\s*,\s*|\s+/)).map((p) => {
    const [spec, def] = p.split('=');
    const [pname, qual] = spec!.split(':');
    return { name: pname!, def: def ?? '', req: qual === 'req', vararg: qual === 'vararg' };
  });
  return { name: m[1]!, params };
}

/** Binds a call's argument text to the macro's parameters. */
export function bindArguments(name: string, macro: Macro, rest: string): Map<string, string> {
  const values = new Map<string, string>();
  let args = splitTopLevel(rest);
  if (args.length <= 1 && macro.params.length > 1 && rest.trim() !== '') args = rest.trim().split(/\s+/);
  let positional = 0;
  for (let i = 0; i < args.length; i++) {
    let arg = args[i]!;
    const keyword = /^([A-Za-z_][\w]*)\s*=(.*)$/.exec(arg);
    let param: MacroParam | undefined = macro.params[positional];
    if (keyword && macro.params.some((p) => p.name === keyword[1])) {
      param = macro.params.find((p) => p.name === keyword[1]);
      arg = keyword[2]!.trim();
    } else positional++;
    if (!param) throw new AsmFail('ASM_SYNTAX', `too many arguments for macro "${name}"`);
    if (param.vararg) {
      values.set(param.name, args.slice(i).join(','));
      break;
    }
    if (arg.startsWith('"') && arg.endsWith('"') && arg.length >= 2) arg = arg.slice(1, -1);
    values.set(param.name, arg);
  }
  for (const p of macro.params) {
    if (!values.get(p.name)) {
      if (p.req)
        throw new AsmFail('ASM_SYNTAX', `macro "${name}": missing value for required parameter "${p.name}"`);
      values.set(p.name, p.def);
    }
  }
  return values;
}

/** The body with arguments substituted; each line remembers the call (`via`). */
export function expandBody(
  macro: Macro,
  values: Map<string, string>,
  count: number,
  via: string,
): SourceLine[] {
  return macro.body.map((l) => ({
    ...l,
    text: l.text.replace(/\\([A-Za-z_][\w]*|@|\(\))/g, (all, key: string) => {
      if (key === '@') return String(count);
      if (key === '()') return '';
      return values.get(key) ?? all;
    }),
    via,
  }));
}
