/**
 * The Web Serial adapter over `serialport`, driven through serialport's own mock binding (an
 * echoing port): the device worker's serial backends see the interface they see in Chrome.
 */
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeSerial, type NodePortStream, type PortStreamFactory } from './node-serial';

const PATH = '/dev/ttyUSB-test';
/** serialport's mock binding, the one its SerialPortMock opens ports on. */
const MockBinding = SerialPortMock.binding;
let made: SerialPortMock[] = [];
const factory: PortStreamFactory = (path, baudRate) => {
  const port = new SerialPortMock({ path, baudRate, autoOpen: false });
  made.push(port);
  return port as unknown as NodePortStream;
};

function serial(list = [{ path: PATH, vendorId: '10c4', productId: 'ea60' }, { path: '/dev/ttyS0' }]) {
  return new NodeSerial(async () => list, factory);
}

afterEach(() => {
  MockBinding.reset();
  made = [];
});

async function readAtLeast(reader: ReadableStreamDefaultReader<Uint8Array>, n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    out.push(...value);
  }
  return out;
}

describe('Web Serial over serialport', () => {
  it('lists USB serial ports only, each the same object while it is present', async () => {
    MockBinding.createPort(PATH, { echo: true });
    const s = serial();
    const [first] = await s.getPorts();
    expect((await s.getPorts())[0]).toBe(first);
    expect(await s.getPorts()).toHaveLength(1);
    expect(first.getInfo()).toEqual({ usbVendorId: 0x10c4, usbProductId: 0xea60 });
  });

  it('opens at a baud rate, writes and reads bytes through the streams, sets DTR/RTS, closes', async () => {
    MockBinding.createPort(PATH, { echo: true, record: true });
    const [port] = await serial().getPorts();
    await port.open({ baudRate: 115200 });
    expect(made[0].baudRate).toBe(115200);
    const writer = port.writable!.getWriter();
    await writer.write(Uint8Array.of(0xc0, 1, 2, 0xc0));
    writer.releaseLock();
    const reader = port.readable!.getReader();
    expect(await readAtLeast(reader, 4)).toEqual([0xc0, 1, 2, 0xc0]);
    await port.setSignals({ dataTerminalReady: false, requestToSend: true });
    expect(await port.getSignals()).toMatchObject({ clearToSend: expect.any(Boolean) });
    reader.releaseLock();
    await port.close();
    expect(port.readable).toBeNull();
    expect(made[0].isOpen).toBe(false);
    await expect(port.setSignals({ dataTerminalReady: true })).rejects.toThrow(/not open/);
  });

  it('changes the baud rate of an open port in place, without closing it', async () => {
    MockBinding.createPort(PATH, { echo: true });
    const [port] = await serial().getPorts();
    await port.open({ baudRate: 115200 });
    const inPlace = port as unknown as { setBaudRate(baud: number): Promise<void> };
    await inPlace.setBaudRate(1_000_000);
    expect(made).toHaveLength(1);
    expect(made[0].isOpen).toBe(true);
    expect(made[0].baudRate).toBe(1_000_000);
    await port.close();
    await expect(inPlace.setBaudRate(115200)).rejects.toThrow(/not open/);
  });

  it('an unplugged board fails the reader and fires disconnect, as Chrome does', async () => {
    MockBinding.createPort(PATH, { echo: true });
    const [port] = await serial().getPorts();
    let disconnected = false;
    port.addEventListener('disconnect', () => (disconnected = true));
    await port.open({ baudRate: 921600 });
    const reader = port.readable!.getReader();
    const pending = reader.read();
    made[0].emit('close', new Error('device unplugged'));
    await expect(pending).rejects.toThrow(/has been lost/);
    expect(disconnected).toBe(true);
  });

  it('a port that cannot be opened is a clear DEVICE_BUSY error', async () => {
    const [port] = await serial().getPorts();
    await expect(port.open({ baudRate: 115200 })).rejects.toMatchObject({
      code: 'DEVICE_BUSY',
      message: expect.stringContaining(PATH),
    });
  });
});
