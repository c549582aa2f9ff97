import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MicropythonFsHex } from '@microbit/microbit-fs';
import { describe, expect, it } from 'vitest';
import { firmwareFor, firmwareSources } from '../core/microbit/firmware-catalogue';
import { MicroPythonFs } from '../core/microbit/micropython-fs';
import { writeIntelHex } from '../core/formats/intel-hex';
import { FirmwareStore, MemoryFirmwareCache, type FirmwareFetch } from './firmware-store';
import { LogState } from './log.svelte';
import { MicrobitProjectState, STARTER_MAIN_PY, type ProjectStorage } from './microbit-project.svelte';
import { PROJECT_FS_LIMIT, ProjectBuilder } from './microbit-project-build';
import type { ProjectBuilderClient } from './microbit-project-worker-client';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const fixtureBytes = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));
const fixtureText = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const utf8 = new TextEncoder();

/** The real builder called in-process, as the worker would run it. */
function inProcessBuilder(): ProjectBuilderClient {
  const b = new ProjectBuilder();
  return {
    universalHex: async (...a) => b.universalHex(...a),
    intelHex: async (...a) => b.intelHex(...a),
    flashSegments: async (...a) => b.flashSegments(...a),
    openHex: async (...a) => b.openHex(...a),
  };
}

function mapStorage(): ProjectStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

/** A project over the real firmware store, served the fixture files, with a recorded download. */
function setup(storage = mapStorage(), offline: readonly string[] = [], online?: () => boolean) {
  const requests: string[] = [];
  const fetch: FirmwareFetch = async (url) => {
    requests.push(url);
    if (offline.includes(url)) throw new TypeError('Failed to fetch');
    if (firmwareSources(firmwareFor('V1')).includes(url))
      return new Response(fixtureBytes('micropython-v1.1.1.hex'));
    if (firmwareSources(firmwareFor('V2')).includes(url))
      return new Response(fixtureBytes('micropython-v2.1.2.hex'));
    return new Response('', { status: 404 });
  };
  const downloads: { name: string; bytes: Uint8Array }[] = [];
  const log = new LogState();
  const firmware = new FirmwareStore({ cache: new MemoryFirmwareCache(), fetch });
  const project = new MicrobitProjectState({
    builder: inProcessBuilder(),
    firmware,
    log,
    download: (name, bytes) => downloads.push({ name, bytes }),
    storage,
    online,
  });
  return { project, downloads, requests, log, storage, firmware };
}

/** Waits until the project asks something, then answers. */
async function answerWhenAsked(project: MicrobitProjectState, choice: string | undefined): Promise<string> {
  for (let i = 0; i < 200 && !project.questions.current; i++) await new Promise((r) => setTimeout(r, 5));
  const title = project.questions.current?.title ?? '(no question)';
  project.questions.answer(choice);
  return title;
}

describe('MicrobitProjectState files and storage', () => {
  it('starts with the starter main.py and measures storage as the MicroPython filesystem does', () => {
    const { project } = setup();
    expect(project.name).toBe('Untitled project');
    expect(project.files.map((f) => f.name)).toEqual(['main.py']);
    expect(project.content('main.py')).toBe(STARTER_MAIN_PY);
    project.addFile('helpers');
    project.edit('helpers.py', 'def twice(x):\n    return 2 * x\n'.repeat(10));
    const fs = MicroPythonFs.fromHexes(
      [fixtureText('micropython-v1.1.1.hex'), fixtureText('micropython-v2.1.2.hex')],
      {
        maxFsSize: PROJECT_FS_LIMIT,
      },
    );
    for (const f of project.projectFiles()) fs.write(f.name, f.content);
    expect(project.storageUsed).toBe(fs.getStorageUsed());
    expect(project.storageSize).toBe(fs.getStorageSize());
    expect(project.storageLevel).toBe('ok');
    expect(project.storageText).toMatch(/^[\d,]+ of 20,480 bytes used \(\d+ %\), [\d,]+ bytes left\.$/);
  });

  it('warns from 90 % and refuses to save above the limit', async () => {
    const { project, downloads } = setup();
    project.edit('main.py', '#'.repeat(Math.floor(PROJECT_FS_LIMIT * 0.9)));
    expect(project.storageLevel).toBe('warn');
    expect(project.storageText).toMatch(/^Storage almost full: /);
    project.edit('main.py', '#'.repeat(PROJECT_FS_LIMIT));
    expect(project.storageLevel).toBe('full');
    expect(await project.save()).toBeUndefined();
    expect(project.notice).toEqual({ kind: 'error', text: project.storageText });
    expect(project.storageText).toMatch(
      /^Storage full: the files need [\d,]+ bytes but only 20,480 bytes fit\./,
    );
    expect(downloads).toEqual([]);
    expect(project.addFile('more').error).toMatch(/no storage space left/);
  });

  it('adds, renames and deletes modules with the naming rules; main.py stays', async () => {
    const { project } = setup();
    expect(project.addFile('2fast')).toEqual({ error: 'The name cannot start with a number.' });
    expect(project.addFile('Motors').warning).toMatch(/lower case/);
    expect(project.selected).toBe('Motors.py');
    expect(project.addFile('Motors.py')).toEqual({ error: 'This file already exists.' });
    expect(project.renameFile('Motors.py', 'motors')).toEqual({ warning: undefined });
    expect(project.files.map((f) => f.name)).toEqual(['main.py', 'motors.py']);
    expect(project.selected).toBe('motors.py');
    expect(project.renameFile('main.py', 'start').error).toMatch(/cannot be renamed/);
    const cancelled = project.deleteFile('motors.py');
    expect(await answerWhenAsked(project, undefined)).toBe('Delete motors.py?');
    expect(await cancelled).toBe(false);
    const deleted = project.deleteFile('motors.py');
    await answerWhenAsked(project, 'delete');
    expect(await deleted).toBe(true);
    expect(project.files.map((f) => f.name)).toEqual(['main.py']);
    expect(await project.deleteFile('main.py')).toBe(false);
    expect(project.rename('  ')).toBe('The project name cannot be empty.');
  });

  it('keeps the project between visits', () => {
    const storage = mapStorage();
    const first = setup(storage).project;
    first.rename('Robot');
    first.addFile('wheels');
    first.edit('wheels.py', 'SPEED = 3\n');
    const again = setup(storage).project;
    expect(again.name).toBe('Robot');
    expect(again.content('wheels.py')).toBe('SPEED = 3\n');
    expect(again.selected).toBe('wheels.py');
  });
});

describe('MicrobitProjectState fetching MicroPython in advance', () => {
  const sources = [...firmwareSources(firmwareFor('V1')), ...firmwareSources(firmwareFor('V2'))];

  it('fetches both boards once, online, so a later Download needs no network', async () => {
    const { project, requests, firmware } = setup();
    await project.prefetchFirmware();
    expect(requests).toEqual([firmwareFor('V1').mirrors[0], firmwareFor('V2').mirrors[0]]);
    expect(await firmware.isAvailableOffline('V1')).toBe(true);
    expect(await firmware.isAvailableOffline('V2')).toBe(true);
    expect(project.firmwareStatus.V1).toBe('MicroPython 1.1.1 for micro:bit V1, available offline');
    await project.prefetchFirmware();
    expect(await project.save()).toContain(':00000001FF');
    expect(requests).toHaveLength(2);
  });

  it('waits while the browser is offline and fetches on the next open online', async () => {
    let online = false;
    const { project, requests } = setup(mapStorage(), [], () => online);
    await project.prefetchFirmware();
    expect(requests).toEqual([]);
    online = true;
    await project.prefetchFirmware();
    expect(requests).toHaveLength(2);
  });

  it('shares a running download with Download instead of fetching twice', async () => {
    const { project, requests } = setup();
    const prefetch = project.prefetchFirmware();
    const saved = project.save();
    await Promise.all([prefetch, saved]);
    expect(await saved).toContain(':00000001FF');
    expect(requests).toHaveLength(2);
  });

  it('says what to do when no source answers, and Download fails with the same advice', async () => {
    const { project, log } = setup(mapStorage(), sources);
    await project.prefetchFirmware();
    expect(project.firmwareStatus.V1).toBe(
      'Could not be downloaded: open a MicroPython hex for V1 you have, or try again online',
    );
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
    await project.save();
    expect(project.notice?.kind).toBe('error');
    expect(project.notice?.text).toContain('The download failed');
    expect(project.notice?.text).toContain('Open a MicroPython hex for micro:bit V1 you have');
    expect(project.notice?.text).not.toMatch(/device/i);
  });
});

describe('MicrobitProjectState saving and opening hexes', () => {
  it('downloads a Universal Hex named after the project that microbit-fs reads back', async () => {
    const { project, downloads, requests } = setup();
    project.rename('Robot');
    project.edit('main.py', 'from microbit import *\ndisplay.scroll("héllo")\n');
    project.addFile('wheels');
    project.edit('wheels.py', 'SPEED = 3\n');
    const hex = await project.save();
    expect(downloads.map((d) => d.name)).toEqual(['Robot.hex']);
    expect(new TextDecoder().decode(downloads[0].bytes)).toBe(hex);
    const theirs = new MicropythonFsHex([
      { hex: fixtureText('micropython-v1.1.1.hex'), boardId: 0x9900 },
      { hex: fixtureText('micropython-v2.1.2.hex'), boardId: 0x9903 },
    ]);
    expect(theirs.importFilesFromHex(hex!).sort()).toEqual(['main.py', 'wheels.py']);
    expect(theirs.read('main.py')).toBe('from microbit import *\ndisplay.scroll("héllo")\n');
    expect(project.notice?.text).toBe('Saved Robot.hex: Universal Hex for micro:bit V1 and V2 with 2 files.');
    await project.save();
    expect(requests).toHaveLength(2);
    expect(project.firmwareStatus.V2).toBe('MicroPython 2.1.2 for micro:bit V2, available offline');
  });

  it('opens a saved hex after confirmation, named after the file', async () => {
    const { project } = setup();
    project.edit('main.py', 'print("saved")\n');
    project.addFile('extra');
    const hex = (await project.save())!;
    const other = setup().project;
    const opening = other.open([{ name: 'Saved one.hex', bytes: utf8.encode(hex) }]);
    expect(await answerWhenAsked(other, 'replace')).toBe('Confirm replace project');
    await opening;
    expect(other.name).toBe('Saved one');
    expect(other.files.map((f) => f.name)).toEqual(['main.py', 'extra.py']);
    expect(other.content('main.py')).toBe('print("saved")\n');
  });

  it('keeps the project when replacing is cancelled', async () => {
    const { project } = setup();
    const hex = (await setup().project.save())!;
    project.edit('main.py', 'mine\n');
    const opening = project.open([{ name: 'x.hex', bytes: utf8.encode(hex) }]);
    await answerWhenAsked(project, undefined);
    await opening;
    expect(project.content('main.py')).toBe('mine\n');
    expect(project.name).toBe('Untitled project');
  });

  it('turns a legacy appended script into main.py', async () => {
    const { project } = setup();
    const opening = project.open([
      { name: 'old.hex', bytes: fixtureBytes('micropython-v1.0.1-appended-script.hex') },
    ]);
    await answerWhenAsked(project, 'replace');
    await opening;
    expect(project.files.map((f) => f.name)).toEqual(['main.py']);
    expect(project.content('main.py').length).toBeGreaterThan(0);
    expect(project.notice?.text).toMatch(/old appended format/);
  });

  it('explains MakeCode hexes, files that are not hexes and hexes without code', async () => {
    const { project, log } = setup();
    await project.open([{ name: 'game.hex', bytes: fixtureBytes('makecode-v1.hex') }]);
    expect(project.notice?.kind).toBe('error');
    expect(project.notice?.text).toMatch(/MakeCode/);
    expect(log.entries.at(-1)?.level).toBe('error');
    await project.open([{ name: 'script.hex', bytes: utf8.encode('print("I am Python")\n') }]);
    expect(project.notice?.text).toMatch(/not an Intel Hex file/);
    await project.open([{ name: 'blank.hex', bytes: fixtureBytes('micropython-v2.1.2.hex') }]);
    expect(project.notice?.text).toMatch(/No appended code found in the hex file/);
    await project.open([
      { name: 'a.hex', bytes: new Uint8Array() },
      { name: 'b.py', bytes: new Uint8Array() },
    ]);
    expect(project.notice?.text).toBe(
      'A hex file can only be loaded on its own. It replaces all files in the project.',
    );
    await project.open([{ name: 'lib.mpy', bytes: new Uint8Array() }]);
    expect(project.notice?.text).toMatch(/doesn't currently support adding \.mpy files/);
    expect(project.content('main.py')).toBe(STARTER_MAIN_PY);
  });
});

describe('MicrobitProjectState opening .py files', () => {
  it('asks whether a script replaces main.py or becomes a module', async () => {
    const { project } = setup();
    let opening = project.open([{ name: 'music_box.py', bytes: utf8.encode('import music\n') }]);
    expect(await answerWhenAsked(project, 'module')).toBe('Change files?');
    await opening;
    expect(project.files.map((f) => f.name)).toEqual(['main.py', 'music_box.py']);
    expect(project.selected).toBe('music_box.py');
    opening = project.open([{ name: 'my game.py', bytes: utf8.encode('print(1)\n') }]);
    const question = await (async () => {
      for (let i = 0; i < 200 && !project.questions.current; i++) await new Promise((r) => setTimeout(r, 5));
      return project.questions.current!;
    })();
    expect(question.choices.map((c) => c.id)).toEqual(['main']);
    project.questions.answer('main');
    await opening;
    expect(project.content('main.py')).toBe('print(1)\n');
    expect(project.notice?.text).toBe('Main.py replaced with my game.py.');
  });

  it('adds third-party modules without asking', async () => {
    const { project } = setup();
    await project.open([
      { name: 'radio_util.py', bytes: utf8.encode('# microbit-module: radio_util@1.0.0\n') },
    ]);
    expect(project.files.find((f) => f.name === 'radio_util.py')?.isModule).toBe(true);
  });

  it('changes nothing when the scripts do not fit', async () => {
    const { project } = setup();
    const opening = project.open([{ name: 'big.py', bytes: utf8.encode('#'.repeat(PROJECT_FS_LIMIT)) }]);
    await answerWhenAsked(project, 'module');
    await opening;
    expect(project.files.map((f) => f.name)).toEqual(['main.py']);
    expect(project.notice?.text).toMatch(/^There is no storage space left/);
  });
});

describe('MicrobitProjectState in classroom mode', () => {
  it('builds MicroPython with the files for V1 and V2 as the classroom image', async () => {
    const { project } = setup();
    project.rename('Quiz');
    project.edit('main.py', 'from microbit import *\ndisplay.show(Image.HAPPY)\n');
    const image = await project.classroomImage();
    expect(image?.name).toBe('Quiz (MicroPython project)');
    for (const [version, fixture, boardId] of [
      ['V1', 'micropython-v1.1.1.hex', 0x9900],
      ['V2', 'micropython-v2.1.2.hex', 0x9903],
    ] as const) {
      const data = image!.dataFor(version)!;
      const theirs = new MicropythonFsHex([{ hex: fixtureText(fixture), boardId }]);
      expect(theirs.importFilesFromHex(writeIntelHex(data))).toEqual(['main.py']);
      expect(theirs.read('main.py')).toBe('from microbit import *\ndisplay.show(Image.HAPPY)\n');
    }
    expect(project.busy).toBeUndefined();
  });

  it('leaves out a board version whose MicroPython cannot be fetched, and says so', async () => {
    const { project } = setup(mapStorage(), firmwareSources(firmwareFor('V1')));
    const image = await project.classroomImage();
    expect(image?.dataFor('V1')).toBeUndefined();
    expect(image?.dataFor('V2')?.segments().length).toBeGreaterThan(0);
    expect(project.notice?.kind).toBe('warn');
    expect(project.notice?.text).toMatch(
      /^Classroom mode gets the project for micro:bit V2 only: MicroPython for V1/,
    );
  });

  it('refuses a project whose files do not fit', async () => {
    const { project } = setup();
    project.edit('main.py', '#'.repeat(PROJECT_FS_LIMIT + 1));
    expect(await project.classroomImage()).toBeUndefined();
    expect(project.notice?.text).toMatch(/^Storage full/);
  });
});
