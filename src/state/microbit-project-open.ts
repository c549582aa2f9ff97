/**
 * Opening files into a micro:bit project, with python-editor-v3's rules and wording: a .hex
 * must be alone and replaces the whole project after "Confirm replace project"; a .py either
 * replaces main.py or is added as a module ("Change files?"); .mpy files are refused. Nothing
 * changes unless everything fits in the storage.
 */
import { fileFlashSize } from '../core/microbit/fs-chunks';
import type { ProjectBuilderClient } from './microbit-project-worker-client';
import { MAIN_PY, checkModuleName, isThirdPartyModule, stripExtension } from './microbit-project-names';
import type { Questions } from './microbit-project-questions.svelte';
import { byteCount } from './text';

/** A file the person chose or dropped. */
export interface OpenedFile {
  /** File name. */
  name: string;
  /** Its bytes. */
  bytes: Uint8Array;
}

/** What opening needs to know and ask. */
export interface OpenContext {
  /** Reads hexes (in the project worker). */
  builder: Pick<ProjectBuilderClient, 'openHex'>;
  /** Asks the person. */
  questions: Pick<Questions, 'ask'>;
  /** The project's files now. */
  contents: ReadonlyMap<string, string>;
  /** Storage the project may use, in bytes. */
  storageSize: number;
}

/** What opening decided. */
export interface OpenResult {
  /** The project's new files (absent when nothing changes). */
  contents?: Map<string, string>;
  /** The new project name (opening a hex names the project after it). */
  projectName?: string;
  /** The file to show. */
  select?: string;
  /** What to tell the person. */
  notice?: { kind: 'info' | 'warn' | 'error'; text: string };
}

const utf8 = new TextEncoder();

/** Flash the files take on the device, in bytes. */
export function projectFlashSize(contents: ReadonlyMap<string, string>): number {
  let total = 0;
  for (const [name, content] of contents) {
    total += fileFlashSize(utf8.encode(name).length, utf8.encode(content).length);
  }
  return total;
}

/**
 * Decides what opening `files` does to the project, asking where needed.
 *
 * @throws the errors of `builder.openHex` for a hex that cannot be read.
 */
export async function openIntoProject(files: readonly OpenedFile[], ctx: OpenContext): Promise<OpenResult> {
  const extension = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  const hexes = files.filter((f) => extension(f.name) === 'hex');
  if (hexes.length > 0 && files.length > 1) {
    return error('A hex file can only be loaded on its own. It replaces all files in the project.');
  }
  if (hexes.length === 1) return openHex(hexes[0], ctx);
  const mpy = files.find((f) => extension(f.name) === 'mpy');
  if (mpy) return error(`WebProg doesn't currently support adding .mpy files (${mpy.name}).`);
  const other = files.find((f) => extension(f.name) !== 'py');
  if (other) return error(`${other.name} cannot be opened here: choose .py files or one .hex file.`);
  return openPython(files, ctx);
}

async function openHex(file: OpenedFile, ctx: OpenContext): Promise<OpenResult> {
  const text = new TextDecoder().decode(file.bytes);
  const opened = await ctx.builder.openHex(text);
  const contents = new Map(opened.files.map((f) => [f.name, f.content] as const));
  if (!contents.has(MAIN_PY)) contents.set(MAIN_PY, '');
  const needed = projectFlashSize(contents);
  if (needed > ctx.storageSize) {
    return error(
      `The files in ${file.name} need ${byteCount(needed)} of storage but a project holds ${byteCount(ctx.storageSize)}.`,
    );
  }
  const answer = await ctx.questions.ask({
    title: 'Confirm replace project',
    message: 'Replace all files with those in the hex?',
    choices: [{ id: 'replace', label: 'Replace', primary: true, destructive: true }],
  });
  if (answer !== 'replace') return {};
  const names = [...contents.keys()].join(', ');
  const legacy = opened.appendedScript ? ' (main.py came from a script in the old appended format)' : '';
  return {
    contents,
    projectName: stripExtension(file.name),
    select: MAIN_PY,
    notice: { kind: 'info', text: `Opened ${file.name}: ${names}${legacy}.` },
  };
}

async function openPython(files: readonly OpenedFile[], ctx: OpenContext): Promise<OpenResult> {
  const contents = new Map(ctx.contents);
  const done: string[] = [];
  let select: string | undefined;
  for (const file of files) {
    let code: string;
    try {
      code = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
    } catch {
      return error(`${file.name} is not UTF-8 text.`);
    }
    const target = await chooseTarget(file.name, code, contents, ctx);
    if (!target) continue;
    done.push(
      target === MAIN_PY && file.name !== MAIN_PY
        ? `main.py replaced with ${file.name}`
        : `${contents.has(target) ? 'replaced' : 'added'} ${target}`,
    );
    contents.set(target, code);
    select = target;
  }
  if (done.length === 0) return {};
  const needed = projectFlashSize(contents);
  if (needed > ctx.storageSize) {
    return error(
      `There is no storage space left: the files would need ${byteCount(needed)} but a project holds ${byteCount(ctx.storageSize)}. Nothing was changed.`,
    );
  }
  const text = done.join('; ');
  return {
    contents,
    select,
    notice: { kind: 'info', text: text.charAt(0).toUpperCase() + text.slice(1) + '.' },
  };
}

/** Where a dropped script goes: main.py, a module, or nowhere (cancelled). */
async function chooseTarget(
  name: string,
  code: string,
  contents: ReadonlyMap<string, string>,
  ctx: OpenContext,
): Promise<string | undefined> {
  const check = checkModuleName(name, []);
  if (name === MAIN_PY) {
    const answer = await ctx.questions.ask({
      title: 'Change files?',
      message: 'Replace main.py with the main.py you opened?',
      choices: [{ id: 'main', label: 'Replace main.py', primary: true, destructive: true }],
    });
    return answer === 'main' ? MAIN_PY : undefined;
  }
  if (check.fileName && isThirdPartyModule(code) && !contents.has(check.fileName)) return check.fileName;
  const choices = [{ id: 'main', label: 'Replace main.py', destructive: true, primary: !check.fileName }];
  if (check.fileName) {
    const exists = contents.has(check.fileName);
    choices.push({
      id: 'module',
      label: exists ? `Replace ${check.fileName}` : `Add as ${check.fileName}`,
      destructive: exists,
      primary: true,
    });
  }
  const answer = await ctx.questions.ask({
    title: 'Change files?',
    message: check.fileName
      ? `Replace main.py with the code in ${name}, or add it to the project as the module ${check.fileName}?`
      : `${name} cannot be a module name (${check.error?.replace(/\.$/, '')}). Replace main.py with its code?`,
    choices,
  });
  if (answer === 'main') return MAIN_PY;
  if (answer === 'module' && check.fileName) return check.fileName;
  return undefined;
}

function error(text: string): OpenResult {
  return { notice: { kind: 'error', text } };
}
