import { describe, expect, test } from 'vitest';
import { createSimulatedEspBoard } from './board';
import { installSimulatedSerial } from './install';
import { SimSerialPort } from './serial-port';
import { WireClock } from './wire-clock';

describe('SimSerialPort', () => {
  test('behaves like Chrome around open and close', async () => {
    const { port } = createSimulatedEspBoard({ chip: 'esp32', usb: 'ch340' });
    expect(port.getInfo()).toEqual({ usbVendorId: 0x1a86, usbProductId: 0x7523 });
    expect(port.readable).toBeNull();
    expect(port.writable).toBeNull();
    await expect(port.setSignals({ dataTerminalReady: true })).rejects.toMatchObject({
      name: 'InvalidStateError',
    });
    await port.open({ baudRate: 115200 });
    await expect(port.open({ baudRate: 115200 })).rejects.toMatchObject({ name: 'InvalidStateError' });
    const first = port.readable;
    expect(first).not.toBeNull();
    expect(port.readable).toBe(first);
    const reader = first!.getReader();
    await expect(port.close()).rejects.toMatchObject({ name: 'InvalidStateError' });
    await reader.cancel();
    reader.releaseLock();
    const second = port.readable;
    expect(second).not.toBe(first);
    expect(await port.getSignals()).toEqual({
      dataCarrierDetect: false,
      clearToSend: false,
      ringIndicator: false,
      dataSetReady: false,
    });
    await port.close();
    expect(port.readable).toBeNull();
    expect('setBaudRate' in port && port.setBaudRate !== undefined).toBe(false);
  });

  test('unplugging errors a pending read with NetworkError and fires disconnect, plugging fires connect', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'native' });
    const { port } = board;
    expect(port.getInfo()).toEqual({ usbVendorId: 0x303a, usbProductId: 0x1001 });
    const events: string[] = [];
    port.addEventListener('disconnect', () => events.push('disconnect'));
    port.onconnect = () => events.push('connect');
    await port.open({ baudRate: 115200 });
    const reader = port.readable!.getReader();
    const pending = reader.read();
    board.unplug();
    await expect(pending).rejects.toMatchObject({
      name: 'NetworkError',
      message: 'The device has been lost.',
    });
    expect(port.readable).toBeNull();
    expect(port.writable).toBeNull();
    expect(port.connected).toBe(false);
    reader.releaseLock();
    await port.close();
    await expect(port.open({ baudRate: 115200 })).rejects.toMatchObject({ name: 'NetworkError' });
    board.plug();
    expect(events).toEqual(['disconnect', 'connect']);
    await port.open({ baudRate: 115200 });
    await port.close();
  });
});

describe('delivery to the host', () => {
  /** A device that answers each write 10 ms (modeled) after the host wrote it, or drops it. */
  function echoDevice() {
    const clock = new WireClock({ latency: 'zero' });
    const port = new SimSerialPort({ info: { usbVendorId: 1, usbProductId: 2 } });
    const sent: number[] = [];
    port.attach({
      opened: () => undefined,
      closed: () => undefined,
      setSignals: () => undefined,
      setBaudRate: () => undefined,
      write: (bytes) => {
        const t = clock.hostNow();
        sent.push(t);
        clock.observe(t + 0.01);
        // As the boards do: never inside the host's write.
        setTimeout(() => port.deliver(bytes, t + 0.01, clock), 0);
        return true;
      },
    });
    return { clock, port, sent };
  }

  test("the host's time reaches each reply it reads, not a reply still on its way", async () => {
    const { clock, port, sent } = echoDevice();
    await port.open({ baudRate: 115200 });
    const writer = port.writable!.getWriter();
    const reader = port.readable!.getReader();
    await writer.write(Uint8Array.of(1));
    expect(clock.now()).toBeCloseTo(0.01, 9); // the reply's time is known to the model ...
    expect(clock.hostNow()).toBe(0); // ... but the host has not received it yet
    expect((await reader.read()).value).toEqual(Uint8Array.of(1));
    expect(clock.hostNow()).toBeCloseTo(0.01, 9);
    await writer.write(Uint8Array.of(2));
    await reader.read();
    expect(sent).toEqual([0, expect.closeTo(0.01, 9)]);
    expect(clock.hostNow()).toBeCloseTo(0.02, 9);
    reader.releaseLock();
    writer.releaseLock();
    await port.close();
  });

  test('bytes dropped by a closed port still move the host past them', () => {
    const { clock, port } = echoDevice();
    port.deliver(Uint8Array.of(9), 0.5, clock);
    expect(clock.hostNow()).toBe(0.5);
  });
});

describe('installSimulatedSerial', () => {
  test('requestPort filters by USB ids, getPorts lists granted ports, events bubble to navigator.serial', async () => {
    const esp = createSimulatedEspBoard({ chip: 'esp32' });
    const c3 = createSimulatedEspBoard({ chip: 'esp32c3', usb: 'native' });
    const scope: { navigator?: object } = {};
    const { serial, uninstall } = installSimulatedSerial(scope, [esp.port, c3.port]);
    expect((scope.navigator as { serial: unknown }).serial).toBe(serial);
    expect(await serial.getPorts()).toEqual([]);
    const chosen = await serial.requestPort({ filters: [{ usbVendorId: 0x303a }] });
    expect(chosen).toBe(c3.port);
    await expect(serial.requestPort({ filters: [{ usbVendorId: 0x0483 }] })).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect(await serial.getPorts()).toEqual([c3.port]);
    const events: string[] = [];
    serial.addEventListener('disconnect', (e) => events.push(`${e.type}:${e.target === serial}`));
    c3.unplug();
    esp.unplug(); // not granted: no event
    expect(events).toEqual(['disconnect:true']);
    expect(await serial.getPorts()).toEqual([]);
    uninstall();
    expect(scope.navigator).toBeUndefined();
  });
});
