/**
 * File names in a micro:bit project, with python-editor-v3's rules and wording (reference
 * notes §6): a Python module name — not empty, no white space, ASCII letters, digits and
 * underscores or characters from U+00A1 up, not starting with a digit — with ".py" added,
 * at most 120 UTF-8 bytes on the device. Upper case only warns (PEP 8); duplicates are refused.
 */
import { MAX_FILENAME_BYTES } from '../core/microbit/fs-chunks';

/** The project's main script. */
export const MAIN_PY = 'main.py';

/** What checking a name found. */
export interface NameCheck {
  /** The file name to use ("module.py"), when the name is acceptable. */
  fileName?: string;
  /** Why the name cannot be used. */
  error?: string;
  /** Something worth knowing that does not stop the name being used. */
  warning?: string;
}

const utf8 = new TextEncoder();

/**
 * Checks a name typed for a new (or renamed) Python file; ".py" may be typed or left out.
 *
 * @param existing names already in the project (the file being renamed excluded).
 */
export function checkModuleName(typed: string, existing: Iterable<string>): NameCheck {
  const base = typed.endsWith('.py') ? typed.slice(0, -3) : typed;
  if (base.length === 0) return { error: 'The name cannot be empty.' };
  if (/\s/u.test(base)) return { error: 'Spaces are not allowed in the name.' };
  if (/^[0-9]/.test(base)) return { error: 'The name cannot start with a number.' };
  const bad = [...base].find((c) => !isModuleChar(c));
  if (bad !== undefined) {
    return { error: `"${bad}" cannot be used in the name: use letters, numbers and underscores.` };
  }
  const fileName = `${base}.py`;
  const bytes = utf8.encode(fileName).length;
  if (bytes > MAX_FILENAME_BYTES) {
    return { error: `The name is too long: ${bytes} bytes, at most ${MAX_FILENAME_BYTES} (UTF-8).` };
  }
  for (const name of existing) if (name === fileName) return { error: 'This file already exists.' };
  const warning =
    base !== base.toLowerCase()
      ? 'Python file names should be lower case (PEP 8); some tools may treat it as a different file.'
      : undefined;
  return warning ? { fileName, warning } : { fileName };
}

/** True for an ASCII letter, digit or underscore, or any character from U+00A1 up. */
function isModuleChar(c: string): boolean {
  return /^[A-Za-z0-9_]$/.test(c) || (c.codePointAt(0) ?? 0) >= 0xa1;
}

/**
 * Files listed as python-editor-v3 lists them: main.py first, then alphabetical (by code
 * point, so the order does not depend on the browser's locale).
 */
export function sortProjectFiles(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => {
    if (a === MAIN_PY) return -1;
    if (b === MAIN_PY) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** "name" from "name.hex" / "name.py" (used as the project name of an opened hex). */
export function stripExtension(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

/**
 * A file name for downloads made from the project name: characters browsers and file systems
 * refuse are replaced with "-"; an empty result becomes "Untitled project".
 */
export function projectFileName(projectName: string, extension: string): string {
  const safe = projectName
    .replace(/[\\/:*?"<>|\p{Cc}]/gu, '-')
    .trim()
    .replace(/^\.+/, '');
  return `${safe === '' ? 'Untitled project' : safe}.${extension}`;
}

/** True when the first three lines carry python-editor-v3's `# microbit-module: name@version` marker. */
export function isThirdPartyModule(text: string): boolean {
  return text.split(/\r?\n/, 3).some((line) => /^#\s*microbit-module:\s*\S+@\S+/.test(line));
}
