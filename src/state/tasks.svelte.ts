/**
 * The jobs people come for, and which one the app shows: the home screen offers them all, each
 * one click away; the device panel stays visible whatever the job. Choosing a job puts the
 * panels it does not need out of the way.
 */

/** A job of the app (`home` is the screen that offers them). */
export type TaskId = 'home' | 'flash' | 'microbit' | 'classroom' | 'scripts' | 'workbench' | 'inspect';

/** How a job is offered. */
export interface TaskInfo {
  /** Its id. */
  id: Exclude<TaskId, 'home'>;
  /** Name on the home card and the tab. */
  label: string;
  /** One line about it on the home card. */
  detail: string;
}

/** The jobs in the order the home screen offers them. */
export const TASKS: readonly TaskInfo[] = [
  {
    id: 'flash',
    label: 'Flash a board',
    detail: 'Plug in a micro:bit, a CMSIS-DAP probe or an ESP board, drop a firmware file, press Flash.',
  },
  {
    id: 'microbit',
    label: 'micro:bit Python',
    detail: 'Write MicroPython, download a hex for V1 and V2, or send it to a plugged-in micro:bit.',
  },
  {
    id: 'classroom',
    label: 'Classroom',
    detail: 'One hex, many micro:bits: every board plugged in is flashed, several at once.',
  },
  {
    id: 'scripts',
    label: 'Scripts',
    detail: 'Automate a device with Lua: production steps, serial numbers, CortexProg scripts.',
  },
  {
    id: 'workbench',
    label: 'Chip workbench',
    detail:
      'Write a device script for a new chip: assemble it, read the chip’s ids, run its entries, try a block, flash with it.',
  },
  {
    id: 'inspect',
    label: 'Inspect and convert files',
    detail:
      'Open Intel Hex, Universal Hex, S-records, UF2, ELF or binaries: view, compare, checksum, save as.',
  },
];

/** Which job is shown. */
export class TaskState {
  /** The job shown. */
  current = $state<TaskId>('home');

  /** Shows job `id`. */
  open(id: TaskId): void {
    this.current = id;
  }

  /**
   * A file was opened or a device was added: from the home screen that starts the Flash job
   * (plug in, drop a file, Flash); inside another job nothing changes.
   */
  startedFromHome(): void {
    if (this.current === 'home') this.current = 'flash';
  }

  /** The label of job `id` ("Home" for the home screen). */
  label(id: TaskId): string {
    return TASKS.find((t) => t.id === id)?.label ?? 'Home';
  }
}
