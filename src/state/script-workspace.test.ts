import { describe, expect, it } from 'vitest';
import { localDate } from '../../workers/lua/mp/log-file';
import { createLuaService } from '../../workers/lua/service';
import { LogState } from './log.svelte';
import type { ScriptRunner } from './script-runtime';
import { ScriptState } from './script.svelte';
import {
  ScriptWorkspace,
  type FolderMemory,
  type WorkspaceFileHandle,
  type WorkspaceFolderHandle,
} from './script-workspace.svelte';

/** A folder in memory with the File System Access handle methods the workspace uses. */
function memoryFolder(
  name: string,
  initial: Record<string, string | Uint8Array> = {},
  permission: PermissionState = 'granted',
) {
  const files = new Map<string, Uint8Array>(
    Object.entries(initial).map(([n, v]) => [n, typeof v === 'string' ? new TextEncoder().encode(v) : v]),
  );
  const writes: string[] = [];
  let state = permission;
  const fileHandle = (file: string): WorkspaceFileHandle => ({
    kind: 'file',
    name: file,
    getFile: async () => {
      const bytes = files.get(file)!;
      return Object.assign(new Blob([bytes as Uint8Array<ArrayBuffer>]), { name: file });
    },
    createWritable: async () => {
      const parts: Uint8Array[] = [];
      return {
        write: async (data: BufferSource | Blob) => void parts.push(new Uint8Array(data as ArrayBuffer)),
        close: async () => {
          files.set(file, parts.length === 1 ? parts[0]! : new Uint8Array());
          writes.push(file);
        },
      };
    },
  });
  const handle: WorkspaceFolderHandle = {
    kind: 'directory',
    name,
    async *values() {
      yield { kind: 'directory' as const, name: 'sub' };
      for (const file of files.keys()) yield fileHandle(file);
    },
    getFileHandle: async (file, options) => {
      if (state !== 'granted') throw new DOMException('Permission denied', 'NotAllowedError');
      if (!files.has(file) && !options?.create) throw new DOMException('Not found', 'NotFoundError');
      if (!files.has(file)) files.set(file, new Uint8Array());
      return fileHandle(file);
    },
    queryPermission: async () => state,
    requestPermission: async () => (state = 'granted'),
  };
  return { handle, files, writes, deny: () => (state = 'prompt') };
}

function memory(
  initial?: WorkspaceFolderHandle,
): FolderMemory & { saved: WorkspaceFolderHandle | undefined } {
  const m = {
    saved: initial,
    load: async () => m.saved,
    save: async (h: WorkspaceFolderHandle | undefined) => void (m.saved = h),
  };
  return m;
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('ScriptWorkspace', () => {
  it('grants a folder, remembers it, and hands its top-level files to runs', async () => {
    const folder = memoryFolder('Production', { 'fw.hex': ':00000001FF\n', 'log.csv': 'a\n' });
    const mem = memory();
    const workspace = new ScriptWorkspace({ pickFolder: async () => folder.handle, memory: mem });
    expect(workspace.supported).toBe(true);
    expect(await workspace.choose()).toBe(true);
    expect(workspace.status).toBe('granted');
    expect(mem.saved).toBe(folder.handle);
    const { files } = await workspace.files();
    expect(files.map((f) => f.name)).toEqual(['fw.hex', 'log.csv']);
    expect(text(files[1]!.bytes)).toBe('a\n');

    // The next visit takes it up again without asking.
    const again = new ScriptWorkspace({ memory: mem, pickFolder: async () => folder.handle });
    await again.restore();
    expect(again.status).toBe('granted');
    expect(again.name).toBe('Production');
  });

  it('asks again for a remembered folder whose permission lapsed, and forgets on request', async () => {
    const folder = memoryFolder('Lab', {}, 'prompt');
    const mem = memory(folder.handle);
    const workspace = new ScriptWorkspace({ memory: mem, pickFolder: async () => folder.handle });
    await workspace.restore();
    expect(workspace.status).toBe('needs-permission');
    expect((await workspace.files()).files).toEqual([]);
    expect(await workspace.reconnect()).toBe(true);
    expect(workspace.status).toBe('granted');
    await workspace.forget();
    expect(workspace.status).toBe('none');
    expect(mem.saved).toBeUndefined();
  });

  it('says where a browser has no folder picker, and a cancelled picker changes nothing', async () => {
    const none = new ScriptWorkspace({ memory: memory() });
    expect(none.supported).toBe(false);
    expect(await none.choose()).toBe(false);
    expect(none.error).toMatch(/cannot give a web page a folder/);
    const cancelled = new ScriptWorkspace({
      memory: memory(),
      pickFolder: async () => {
        throw new DOMException('The user aborted a request.', 'AbortError');
      },
    });
    expect(await cancelled.choose()).toBe(false);
    expect(cancelled.status).toBe('none');
    expect(cancelled.error).toBeUndefined();
  });
});

describe('ScriptState with a workspace folder', () => {
  function runnerSaving(saves: { name: string; text: string }[]): ScriptRunner & { seen: unknown[] } {
    const seen: unknown[] = [];
    return {
      seen,
      running: false,
      async run(_code, options, callbacks) {
        seen.push(options);
        for (const s of saves)
          await callbacks.onFileSaved?.({ name: s.name, bytes: new TextEncoder().encode(s.text) });
        return { ok: true, returns: [], image: options.image, savedFiles: [] };
      },
      async stop() {
        return { terminated: false, ms: 0 };
      },
    };
  }

  async function granted(folder: ReturnType<typeof memoryFolder>) {
    const workspace = new ScriptWorkspace({ pickFolder: async () => folder.handle, memory: memory() });
    await workspace.choose();
    return workspace;
  }

  it("gives the run the folder's files (the panel's win by name) and writes saved files into the folder, in order", async () => {
    const folder = memoryFolder('Line 3', { 'fw.hex': 'folder', 'serials.csv': '1\n' });
    const downloads: string[] = [];
    const runner = runnerSaving([
      { name: 'serials.csv', text: '1\n2\n' },
      { name: 'serials.csv', text: '1\n2\n3\n' },
    ]);
    const script = new ScriptState({
      runner,
      deviceId: () => undefined,
      log: new LogState(() => 0),
      fetchText: async () => '',
      download: (name) => void downloads.push(name),
      workspace: await granted(folder),
    });
    script.addFiles([{ name: 'fw.hex', bytes: new TextEncoder().encode('panel') }]);
    await script.run();
    const options = runner.seen[0] as { files: { name: string; bytes: Uint8Array }[]; workspace: string };
    expect(options.workspace).toBe('Line 3');
    expect(options.files.map((f) => [f.name, text(f.bytes)])).toEqual([
      ['serials.csv', '1\n'],
      ['fw.hex', 'panel'],
    ]);
    expect(text(folder.files.get('serials.csv'))).toBe('1\n2\n3\n');
    expect(folder.writes).toEqual(['serials.csv', 'serials.csv']);
    expect(downloads).toEqual([]);
    const lines = script.lines.map((l) => l.text);
    expect(lines.filter((l) => l === 'Saved serials.csv in the folder Line 3.')).toHaveLength(1);
    // The note comes before the closing line.
    expect(lines.at(-1)).toMatch(/finished in/);
  });

  it('offers a file as a download when the folder refuses it', async () => {
    const folder = memoryFolder('Locked');
    const workspace = await granted(folder);
    folder.deny();
    const downloads: string[] = [];
    const script = new ScriptState({
      runner: runnerSaving([{ name: 'out.bin', text: 'x' }]),
      deviceId: () => undefined,
      log: new LogState(() => 0),
      fetchText: async () => '',
      download: (name) => void downloads.push(name),
      workspace,
    });
    await script.run();
    expect(downloads).toEqual(['out.bin']);
    expect(script.lines.map((l) => l.text).join('\n')).toMatch(
      /out\.bin could not be written to the folder Locked/,
    );
  });

  it("with the real Lua service, today's log lands in the folder and the next run appends to it", async () => {
    const folder = memoryFolder('Line 3', { 'notes.txt': 'x' });
    const service = createLuaService({ version: 'test' });
    const runner: ScriptRunner = {
      run: service.run.bind(service),
      stop: async () => ({ terminated: false, ms: 0 }),
      running: false,
    };
    const script = new ScriptState({
      runner,
      deviceId: () => undefined,
      log: new LogState(() => 0),
      fetchText: async () => '',
      download: () => undefined,
      workspace: await granted(folder),
    });
    const name = `webprog-${localDate(new Date())}.log`;
    script.code = 'mp.log.info("first run") print(mp.app.log_path())';
    await script.run();
    script.code = 'mp.log.warn("second run")';
    await script.run();
    const lines = text(folder.files.get(name)).split('\n');
    expect(lines.map((l) => l.slice(20))).toEqual([
      `[run] ${script.fileName}`,
      '[info] first run',
      `[info] Line 3/${name}`,
      `[run] ${script.fileName}`,
      '[warn] second run',
      '',
    ]);
    expect(folder.writes).toEqual([name, name]);
    expect(script.lines.map((l) => l.text)).toContain(`Saved ${name} in the folder Line 3.`);
  });
});
