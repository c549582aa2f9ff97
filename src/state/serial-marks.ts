/**
 * What the person said a USB-UART leads to (an RA chip in boot mode, with how it gets into boot
 * mode; an RL78 cable, with its settings; or an ESP board after all), kept across reloads in
 * localStorage, as the selected device is. The device worker keeps the marking per port object
 * only; after a reload `navigator.serial.getPorts()` hands the page new port objects whose only
 * identity is `getInfo()` — USB vendor and product id, no serial number — so the marking is
 * stored by those ids and said to the worker again when a port with them appears (at start-up,
 * before the remembered device reconnects, and when a cable is plugged in again).
 *
 * Two ports with the same ids cannot be told apart after a reload. The choice made here: a
 * marking is stored with how many ports of those ids carried it when it was said, and only
 * when every port of those ids present then carried the same kind (two FTDI cables, one to an
 * RA chip and one to an ESP board, store "mixed"). When ports with those ids appear, they all
 * get the marking if there are no more of them than carried it (one cable; or a classroom's
 * three cables all said to be RA chips); otherwise none does, and the log says why and asks
 * the person to say it again for the right port. WebProg never guesses which of two identical
 * cables is which.
 */
import type { DeviceSummary } from '../../workers/device/device-api';
import type { RaBootEntry, RaWorkerApi } from '../../workers/device/ra/ra-api';
import type { Rl78Settings, Rl78WorkerApi } from '../../workers/device/rl78/rl78-api';

/** The device-worker calls that say a marking. */
export interface MarkClients {
  /** RA marking. */
  ra: Pick<RaWorkerApi, 'raMarkPort'>;
  /** RL78 marking. */
  rl78: Pick<Rl78WorkerApi, 'rl78Configure'>;
}

/** Storage key of the markings. */
export const SERIAL_MARKS_KEY = 'webprog.serial.marks';

/** What a USB-UART leads to, as the person said. */
export type SerialMark =
  { kind: 'ra'; entry?: RaBootEntry } | { kind: 'rl78'; settings: Rl78Settings } | { kind: 'esp' };

/** One stored marking: the mark and how many ports of those ids carried it, or "mixed". */
type Stored = { mark: SerialMark; ports: number } | { mixed: true };

/** Where the markings are kept (localStorage in the app, a Map in tests). */
export type SerialMarksMemory = Pick<Storage, 'getItem' | 'setItem'>;

/** "vvvv:pppp" of a serial device id ("serial:vvvv:pppp:N", see `serialPortId`), else undefined. */
export function usbIdsOf(deviceId: string): string | undefined {
  return /^serial:([0-9a-f]{4}:[0-9a-f]{4}):\d+$/.exec(deviceId)?.[1];
}

/** Says a marking to the device worker. */
export async function applyMark(deviceId: string, mark: SerialMark, clients: MarkClients): Promise<void> {
  if (mark.kind === 'ra') {
    await (mark.entry === undefined
      ? clients.ra.raMarkPort(deviceId, true)
      : clients.ra.raMarkPort(deviceId, true, mark.entry));
  } else if (mark.kind === 'rl78') {
    await clients.rl78.rl78Configure(deviceId, mark.settings);
  } else {
    await clients.rl78.rl78Configure(deviceId, null);
    await clients.ra.raMarkPort(deviceId, false);
  }
}

const LABEL: Record<SerialMark['kind'], string> = {
  ra: 'an RA chip in boot mode',
  rl78: 'an RL78 programming cable',
  esp: 'an ESP board',
};

/** The markings kept across reloads; see the module comment. */
export class SerialMarks {
  /** Device ids already looked at in this page (each port is restored once). */
  private readonly seen = new Set<string>();
  /** Ids whose ambiguity was already logged. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly memory: SerialMarksMemory | undefined,
    private readonly clients: MarkClients,
    private readonly log?: { info(text: string): unknown; warn(text: string): unknown },
  ) {}

  /**
   * Remembers that the person said `mark` for serial device `deviceId`; `present` is the device
   * list (the other ports with the same ids decide whether the marking is shared or mixed).
   */
  remember(deviceId: string, mark: SerialMark, present: readonly DeviceSummary[]): void {
    const ids = usbIdsOf(deviceId);
    if (!ids) return;
    this.seen.add(deviceId);
    const others = present.filter((s) => s.id !== deviceId && usbIdsOf(s.id) === ids);
    const all = this.read();
    all[ids] = others.every((s) => s.type === mark.kind)
      ? { mark, ports: others.length + 1 }
      : { mixed: true };
    this.write(all);
  }

  /** Keeps new RL78 settings of an RL78 cable already remembered as one (used at each connect). */
  updateRl78Settings(deviceId: string, settings: Rl78Settings): void {
    const ids = usbIdsOf(deviceId);
    const all = this.read();
    const stored = ids ? all[ids] : undefined;
    if (!ids || !stored || 'mixed' in stored || stored.mark.kind !== 'rl78') return;
    all[ids] = { ...stored, mark: { kind: 'rl78', settings: { ...settings } } };
    this.write(all);
  }

  /**
   * Says the stored markings again for serial devices in `list` not looked at yet in this page.
   * Resolves true when the worker was told anything (the list is then out of date).
   */
  async restore(list: readonly DeviceSummary[]): Promise<boolean> {
    const fresh = list.filter((s) => usbIdsOf(s.id) !== undefined && !this.seen.has(s.id));
    if (fresh.length === 0) return false;
    for (const s of fresh) this.seen.add(s.id);
    const all = this.read();
    let told = false;
    for (const ids of new Set(fresh.map((s) => usbIdsOf(s.id)!))) {
      const stored = all[ids];
      if (!stored) continue;
      const ports = fresh.filter((s) => usbIdsOf(s.id) === ids);
      if ('mixed' in stored || ports.length > stored.ports) {
        if (!this.warned.has(ids)) {
          this.warned.add(ids);
          const before =
            'mixed' in stored
              ? 'ports with these ids were said to lead to different things'
              : `${stored.ports === 1 ? 'one port' : `${stored.ports} ports`} with these ids led to ${LABEL[stored.mark.kind]}`;
          this.log?.warn(
            `${ports.length} serial ports have the USB ids ${ids}; before, ${before}. Web Serial gives such ports no serial number, so WebProg cannot tell which is which and restored none: say again for each what it leads to.`,
          );
        }
        continue;
      }
      for (const s of ports) {
        try {
          await applyMark(s.id, stored.mark, this.clients);
          told = true;
          this.log?.info(`Remembered for the USB-UART ${ids}: it leads to ${LABEL[stored.mark.kind]}.`);
        } catch (error) {
          this.log?.warn(
            `Could not restore what the USB-UART ${ids} leads to: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    }
    return told;
  }

  private read(): Record<string, Stored> {
    try {
      const parsed: unknown = JSON.parse(this.memory?.getItem(SERIAL_MARKS_KEY) ?? '{}');
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, Stored>) : {};
    } catch {
      return {};
    }
  }

  private write(all: Record<string, Stored>): void {
    try {
      this.memory?.setItem(SERIAL_MARKS_KEY, JSON.stringify(all));
    } catch {
      // Storage full or blocked: the marking still holds while the page runs.
    }
  }
}
