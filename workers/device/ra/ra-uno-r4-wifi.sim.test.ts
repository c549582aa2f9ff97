/**
 * The RA backend on a simulated Arduino Uno R4 WiFi (the ESP32-S3 bridge modelled on Arduino's
 * bridge firmware): the bridge's 2400-baud entry before the handshake, by the port's ids or
 * because the person said so, and a clear error when nobody puts the chip into boot mode.
 */
import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { createSimulatedRaBoard } from '../../../src/sim/ra';
import { RaBackend } from './ra-backend';
import { bootEntryOf, isUnoR4Wifi } from './ra-entry';
import { markRaPort } from './ra-ports';
import { useJumpingClock } from '../../../src/sim/testing/jumping-clock';

useJumpingClock();

describe('RaBackend on a simulated Arduino Uno R4 WiFi', { timeout: 60_000 }, () => {
  it('puts the RA4M1 into boot mode through the bridge (2400 baud), connects at 9600, moves up and flashes', async () => {
    const board = createSimulatedRaBoard({ transport: 'uno-r4-wifi' });
    expect(isUnoR4Wifi(board.port)).toBe(true);
    expect(bootEntryOf(board.port)).toBe('uno-r4-wifi');
    expect(board.bridge?.mode).toBe('program');
    const backend = new RaBackend(board.port);
    const { target, regions } = await backend.connect();
    expect(board.bridge?.bootHigh).toBe(false);
    expect(board.bridge?.mode).toBe('rom-boot');
    expect(target.name).toBe('Renesas RA2/RA4 with 256 KiB code flash');
    // The handshake at 9600, then the chip's recommended maximum: the bridge's UART follows.
    expect(target.additional[0]).toMatch(/UART at 1000000 baud/);
    expect(board.baud).toBe(1_000_000);
    expect(board.bridge?.uartBaud).toBe(1_000_000);

    const image = new MemoryImage(regions);
    const data = Uint8Array.from({ length: 16 * 1024 }, (_, i) => (i * 13) & 0xff);
    image.writeAt(0x4000, data);
    const report = await backend.flash(image, { allowWrites: true });
    expect(report.verified).toBe(true);
    expect(board.firmware.peek(0x4000, data.length)).toEqual(data);

    // A second connect enters boot mode again (a fresh boot firmware session).
    await backend.disconnect();
    const events = board.bridge!.events;
    await backend.connect();
    expect(board.bridge!.events).toBeGreaterThan(events);
    expect(board.bridge?.mode).toBe('rom-boot');
    await backend.disconnect();
  });

  it('without the entry the chip runs its program: connect fails saying to put the board in boot mode', async () => {
    const board = createSimulatedRaBoard({ transport: 'uno-r4-wifi' });
    // The person said: no entry (they would use the BOOT jumper themselves, and did not).
    markRaPort(board.port, true, 'none');
    expect(bootEntryOf(board.port)).toBe('none');
    const backend = new RaBackend(board.port);
    await expect(backend.connect()).rejects.toMatchObject({ code: 'BOOT_MODE_REQUIRED' });
    expect(board.bridge?.mode).toBe('program');
    expect(board.counters.packets).toBe(0);
    // Said so again, the entry is used and the chip answers.
    markRaPort(board.port, true, 'uno-r4-wifi');
    await backend.connect();
    expect(board.bridge?.mode).toBe('rom-boot');
    await backend.disconnect();
  });

  it('a USB-UART the person says is an Uno R4 WiFi bridge gets the entry; other USB-UARTs do not', () => {
    const port = createSimulatedRaBoard({ transport: 'uart' }).port;
    expect(isUnoR4Wifi(port)).toBe(false);
    expect(bootEntryOf(port)).toBe('none');
    markRaPort(port, true, 'uno-r4-wifi');
    expect(bootEntryOf(port)).toBe('uno-r4-wifi');
    // Not an RA chip after all: no entry whatever was said before.
    markRaPort(port, false);
    expect(bootEntryOf(port)).toBe('none');
  });
});
