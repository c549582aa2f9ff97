import { describe, expect, it } from 'vitest';
import { TASKS, TaskState } from './tasks.svelte';

describe('TaskState', () => {
  it('starts on the home screen, which offers the six jobs', () => {
    const tasks = new TaskState();
    expect(tasks.current).toBe('home');
    expect(TASKS.map((t) => t.label)).toEqual([
      'Flash a board',
      'micro:bit Python',
      'Classroom',
      'Scripts',
      'Chip workbench',
      'Inspect and convert files',
    ]);
  });

  it('moves from home to Flash a board when a file is opened or a device added, and not from other jobs', () => {
    const tasks = new TaskState();
    tasks.startedFromHome();
    expect(tasks.current).toBe('flash');
    tasks.open('inspect');
    tasks.startedFromHome();
    expect(tasks.current).toBe('inspect');
    expect(tasks.label('home')).toBe('Home');
    expect(tasks.label('inspect')).toBe('Inspect and convert files');
  });
});
