import { describe, expect, it } from 'vitest';
import {
  checkModuleName,
  isThirdPartyModule,
  projectFileName,
  sortProjectFiles,
  stripExtension,
} from './microbit-project-names';

describe('checkModuleName', () => {
  const ok = (typed: string) => checkModuleName(typed, ['main.py']);

  it('adds .py and accepts it typed', () => {
    expect(ok('sensors')).toEqual({ fileName: 'sensors.py' });
    expect(ok('sensors.py')).toEqual({ fileName: 'sensors.py' });
    expect(ok('_private2')).toEqual({ fileName: '_private2.py' });
  });

  it('refuses empty names, white space, a leading digit and punctuation', () => {
    expect(ok('').error).toBe('The name cannot be empty.');
    expect(ok('.py').error).toBe('The name cannot be empty.');
    expect(ok('my module').error).toBe('Spaces are not allowed in the name.');
    expect(ok('tab\there').error).toBe('Spaces are not allowed in the name.');
    expect(ok('2cool').error).toBe('The name cannot start with a number.');
    expect(ok('a-b').error).toBe('"-" cannot be used in the name: use letters, numbers and underscores.');
    expect(ok('a.b').error).toMatch(/^"\." cannot be used/);
  });

  it('accepts characters from U+00A1 up (python-editor-v3 #531) but not U+00A0', () => {
    expect(ok('données').fileName).toBe('données.py');
    expect(ok('日本').fileName).toBe('日本.py');
    expect(ok('a\u00a0b').error).toBe('Spaces are not allowed in the name.');
  });

  it('counts the 120-byte limit in UTF-8 with .py', () => {
    expect(ok('a'.repeat(117)).fileName).toHaveLength(120);
    expect(ok('a'.repeat(118)).error).toBe('The name is too long: 121 bytes, at most 120 (UTF-8).');
    expect(ok('é'.repeat(59)).error).toBe('The name is too long: 121 bytes, at most 120 (UTF-8).');
  });

  it('only warns about upper case (python-editor-v3 #1026)', () => {
    const check = ok('Motors');
    expect(check.fileName).toBe('Motors.py');
    expect(check.warning).toMatch(/lower case/);
  });

  it('refuses duplicates, names like object keys are ordinary', () => {
    expect(checkModuleName('main', ['main.py']).error).toBe('This file already exists.');
    expect(ok('__proto__')).toEqual({ fileName: '__proto__.py' });
    expect(checkModuleName('__proto__', ['__proto__.py']).error).toBe('This file already exists.');
  });
});

describe('helpers', () => {
  it('lists main.py first, then by code point', () => {
    expect(sortProjectFiles(['b.py', 'Z.py', 'main.py', 'a.py'])).toEqual([
      'main.py',
      'Z.py',
      'a.py',
      'b.py',
    ]);
  });

  it('makes download names from project names', () => {
    expect(projectFileName('Untitled project', 'hex')).toBe('Untitled project.hex');
    expect(projectFileName('a/b:c', 'hex')).toBe('a-b-c.hex');
    expect(projectFileName('  ', 'hex')).toBe('Untitled project.hex');
    expect(stripExtension('robot.v2.hex')).toBe('robot.v2');
    expect(stripExtension('.hex')).toBe('.hex');
  });

  it('recognises the third-party module marker in the first three lines only', () => {
    expect(isThirdPartyModule('# microbit-module: radio_util@1.0.2\nx = 1')).toBe(true);
    expect(isThirdPartyModule('"""doc"""\n\n# microbit-module: m@0.1')).toBe(true);
    expect(isThirdPartyModule('\n\n\n# microbit-module: m@0.1')).toBe(false);
    expect(isThirdPartyModule('# microbit-module: no-version')).toBe(false);
  });
});
