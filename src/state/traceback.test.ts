import { describe, expect, it } from 'vitest';
import { lastTraceback } from './traceback';

describe('MicroPython tracebacks', () => {
  it('finds the innermost frame of the last traceback and its error', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "main.py", line 2, in <module>',
      'ZeroDivisionError: divide by zero',
      '>>> ',
      'Traceback (most recent call last):',
      '  File "main.py", line 7, in <module>',
      '  File "helpers.py", line 3, in shout',
      "NameError: name 'x' isn't defined",
      '>>> ',
    ].join('\n');
    expect(lastTraceback(text)).toEqual({
      file: 'helpers.py',
      line: 3,
      error: "NameError: name 'x' isn't defined",
    });
  });

  it('finds nothing without a traceback', () => {
    expect(lastTraceback('>>> print(1)\n1\n>>> ')).toBeUndefined();
  });
});
