/**
 * Source text to statements the way GNU as reads ARM sources: `/* *\/` comments, `@` comments,
 * `#` comments at the start of a line, `;` separating statements, and labels before a statement.
 */

/** One source line after comment removal, with where it came from. */
export interface SourceLine {
  /** The text without comments. */
  text: string;
  /** File name as given to the assembler or the include. */
  file: string;
  /** 1-based line number in that file. */
  line: number;
  /** The macro expansions this line came through, innermost last (for messages). */
  via?: string;
}

/** Splits a file into lines without comments (block comments keep the line count). */
export function readLines(text: string, file: string): SourceLine[] {
  const out: SourceLine[] = [];
  const raw = text.replace(/\r\n?/g, '\n').split('\n');
  let inBlock = false;
  raw.forEach((lineText, i) => {
    let result = '';
    let quote = false;
    if (!inBlock && lineText.startsWith('#')) lineText = '';
    for (let j = 0; j < lineText.length; j++) {
      const c = lineText[j]!;
      if (inBlock) {
        if (c === '*' && lineText[j + 1] === '/') {
          inBlock = false;
          j++;
        }
        continue;
      }
      if (quote) {
        result += c;
        if (c === '\\' && j + 1 < lineText.length) result += lineText[++j];
        else if (c === '"') quote = false;
        continue;
      }
      if (c === '"') {
        quote = true;
        result += c;
      } else if (c === '@' && lineText[j - 1] !== '\\')
        break; // `\@` is the macro counter
      else if (c === '/' && lineText[j + 1] === '*') {
        inBlock = true;
        j++;
      } else result += c;
    }
    out.push({ text: result, file, line: i + 1 });
  });
  return out;
}

/** Splits one line into statements at `;` outside strings. */
export function splitStatements(text: string): string[] {
  const parts: string[] = [];
  let quote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === ';') {
      parts.push(text.slice(start, i));
      start = i + 1;
    } else if (c === "'") i++;
  }
  parts.push(text.slice(start));
  return parts;
}

function utf8(code: number): number[] {
  if (code < 0x80) return [code];
  if (code < 0x800) return [0xc0 | (code >> 6), 0x80 | (code & 0x3f)];
  if (code < 0x10000) return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
  return [
    0xf0 | (code >> 18),
    0x80 | ((code >> 12) & 0x3f),
    0x80 | ((code >> 6) & 0x3f),
    0x80 | (code & 0x3f),
  ];
}

/** Parses a string literal's content with gas's escapes; returns the bytes. */
export function stringBytes(literal: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (c !== '\\') {
      // gas reads the file as bytes: non-ASCII text goes in as its UTF-8 encoding
      const code = literal.codePointAt(i)!;
      if (code > 0xffff) i++;
      bytes.push(...utf8(code));
      continue;
    }
    const e = literal[++i] ?? '';
    if (/[0-7]/.test(e)) {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(literal[i + 1] ?? '')) digits += literal[++i];
      bytes.push(parseInt(digits, 8) & 0xff);
    } else if (e === 'x' || e === 'X') {
      let digits = '';
      while (/[0-9a-fA-F]/.test(literal[i + 1] ?? '')) digits += literal[++i];
      bytes.push(parseInt(digits || '0', 16) & 0xff);
    } else {
      const map: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, '\\': 92, '"': 34, "'": 39 };
      bytes.push(map[e] ?? e.charCodeAt(0));
    }
  }
  return bytes;
}

/** Reads comma-separated string literals (`"a", "b"`); returns their contents (unescaped). */
export function stringList(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const skip = () => {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
  };
  skip();
  while (i < text.length) {
    if (text[i] !== '"') throw new Error(`expected a string in quotes, got "${text.slice(i).trim()}"`);
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    if (j >= text.length) throw new Error('missing closing quote');
    out.push(text.slice(i + 1, j));
    i = j + 1;
    skip();
  }
  return out;
}
