import { describe, expect, it } from 'vitest';
import { crc32 } from '../../core/checksum/crc32';
import { RaBootFirmware } from './boot-firmware';
import { RA4M1, RA4M2 } from './chips';
import { CMD, STATUS, encodeFrame, FrameReader, SOD_COMMAND, SOD_DATA, type Frame } from './frames';

const be = (...values: number[]) => {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v));
  return out;
};

/** Sends one packet, returns the reply packets (and the busy time). */
function send(
  fw: RaBootFirmware,
  bytes: Uint8Array,
  baud = 9600,
): { frames: Frame[]; busyUs: number; raw: number[] } {
  const reader = new FrameReader();
  const frames: Frame[] = [];
  const raw: number[] = [];
  let busyUs = 0;
  for (const b of bytes) {
    const reply = fw.receive(b, baud);
    if (!reply) continue;
    busyUs += reply.busyUs;
    for (const r of reply.bytes) {
      raw.push(r);
      const e = reader.push(r);
      if (e?.kind === 'frame') frames.push(e.frame);
    }
  }
  return { frames, busyUs, raw };
}
/** The connection handshake (0x00 until ACK, then 0x55), as on USB CDC. */
function ready(fw: RaBootFirmware): RaBootFirmware {
  for (let i = 0; i < 3 && send(fw, Uint8Array.of(0x00)).raw.length === 0; i++);
  send(fw, Uint8Array.of(0x55));
  return fw;
}
const command = (fw: RaBootFirmware, code: number, data = new Uint8Array(0)) =>
  send(fw, encodeFrame(SOD_COMMAND, code, data));

describe('RA standard boot firmware (simulated)', () => {
  it('answers the handshake (UART only at 9600 baud, USB too): 0x00 → 0x00, 0x55 → boot code', () => {
    const fw = new RaBootFirmware(RA4M1, { transport: 'uart' });
    expect(send(fw, Uint8Array.of(0x00), 115200).raw).toEqual([]);
    expect(send(fw, Uint8Array.of(0x00), 9600).raw).toEqual([0x00]);
    expect(send(fw, Uint8Array.of(0x55), 9600).raw).toEqual([0xc3]);
    expect(command(fw, CMD.inquiry).raw).toEqual([0x81, 0x00, 0x02, 0x00, 0x00, 0xfe, 0x03]);
    // The Cortex-M33 boot firmware answers after three 0x00 in a row (USB as well as UART).
    const m33 = new RaBootFirmware(RA4M2, { transport: 'uart' });
    expect(send(m33, Uint8Array.of(0x00, 0x00)).raw).toEqual([]);
    expect(send(m33, Uint8Array.of(0x00)).raw).toEqual([0x00]);
    expect(send(m33, Uint8Array.of(0x55)).raw).toEqual([0xc6]);
    const usb = new RaBootFirmware(RA4M1, { transport: 'usb' });
    // USB CDC needs the handshake too (no baud measurement): commands before it are not heard.
    expect(command(usb, CMD.inquiry).raw).toEqual([0x00]);
    expect(send(usb, Uint8Array.of(0x55), 115200).raw).toEqual([0xc3]);
    expect(command(usb, CMD.inquiry).frames[0]).toMatchObject({ code: CMD.inquiry });
  });

  it('reports the RA4M1 signature and areas in the short layout (12 and 17 bytes)', () => {
    const fw = ready(new RaBootFirmware(RA4M1, { transport: 'usb' }));
    const sig = command(fw, CMD.signature).frames[0];
    expect(sig.code).toBe(CMD.signature);
    expect(Array.from(sig.data)).toEqual([...be(24_000_000, 1_000_000), 3, 0x02, 1, 2]);
    const area0 = command(fw, CMD.areaInformation, Uint8Array.of(0)).frames[0].data;
    expect(Array.from(area0)).toEqual([0x00, ...be(0, 0x3ffff, 0x800, 0x80)]);
    const area1 = command(fw, CMD.areaInformation, Uint8Array.of(1)).frames[0].data;
    expect(Array.from(area1)).toEqual([0x10, ...be(0x40100000, 0x40101fff, 0x400, 4)]);
    expect(command(fw, CMD.areaInformation, Uint8Array.of(2)).frames[0].data[0]).toBe(0x20);
    expect(command(fw, CMD.areaInformation, Uint8Array.of(3)).frames[0]).toMatchObject({
      code: 0xbb,
      data: Uint8Array.of(STATUS.address),
    });
  });

  it('reports the RA4M2 signature and areas in the long layout (41 and 25 bytes)', () => {
    const fw = ready(new RaBootFirmware(RA4M2, { transport: 'usb' }));
    const sig = command(fw, CMD.signature).frames[0].data;
    expect(sig.length).toBe(41);
    expect(new DataView(sig.buffer).getUint32(0)).toBe(4_000_000);
    expect(sig[4]).toBe(4);
    expect(new TextDecoder().decode(sig.subarray(25)).trim()).toBe('R7FA4M2AD3CFP');
    const area1 = command(fw, CMD.areaInformation, Uint8Array.of(1)).frames[0].data;
    expect(Array.from(area1)).toEqual([0x01, ...be(0x10000, 0x7ffff, 0x8000, 0x80, 4, 0x400)]);
  });

  it('erases, writes in packets, reads back with acknowledgements and computes CRC-32', () => {
    const fw = ready(new RaBootFirmware(RA4M1, { transport: 'usb' }));
    const erase = command(fw, CMD.erase, be(0x800, 0xfff));
    expect(erase.frames[0]).toMatchObject({ code: CMD.erase, data: Uint8Array.of(0) });
    expect(erase.busyUs).toBeCloseTo(9030);
    expect(command(fw, CMD.write, be(0x800, 0xfff)).frames[0].data).toEqual(Uint8Array.of(0));
    const data = Uint8Array.from({ length: 0x800 }, (_, i) => (i * 7) & 0xff);
    const first = send(fw, encodeFrame(SOD_DATA, CMD.write, data.subarray(0, 1024)));
    expect(first.frames[0].data).toEqual(Uint8Array.of(0));
    expect(first.busyUs).toBeCloseTo(128 * 116);
    send(fw, encodeFrame(SOD_DATA, CMD.write, data.subarray(1024)));
    expect(fw.peek(0x800, 0x800)).toEqual(data);

    const read1 = command(fw, CMD.read, be(0x800, 0xfff));
    expect(read1.frames[0].data).toEqual(data.subarray(0, 1024));
    const read2 = send(fw, encodeFrame(SOD_DATA, CMD.read, Uint8Array.of(0)));
    expect(read2.frames[0].data).toEqual(data.subarray(1024));

    const crc = command(fw, CMD.crc, be(0x800, 0xbff)).frames[0];
    expect(new DataView(crc.data.buffer).getUint32(0)).toBe(crc32(data.subarray(0, 0x400)));
  });

  it('follows NOR rules: programming only clears bits, erase sets 0xFF', () => {
    const fw = ready(
      new RaBootFirmware(RA4M1, {
        transport: 'usb',
        flash: [{ address: 0, data: new Uint8Array(0x80).fill(0x0f) }],
      }),
    );
    command(fw, CMD.write, be(0, 0x7f));
    send(fw, encodeFrame(SOD_DATA, CMD.write, new Uint8Array(0x80).fill(0xf0)));
    expect(fw.peek(0, 4)).toEqual(new Uint8Array(4));
    expect(fw.counters.overwrites).toBe(0x80);
    command(fw, CMD.erase, be(0, 0x7ff));
    expect(fw.peek(0, 4)).toEqual(new Uint8Array(4).fill(0xff));
  });

  it('refuses misaligned ranges, bad checksums and unknown commands with their status codes', () => {
    const fw = ready(new RaBootFirmware(RA4M1, { transport: 'usb' }));
    expect(command(fw, CMD.erase, be(0x400, 0xbff)).frames[0]).toMatchObject({
      code: 0x92,
      data: Uint8Array.of(0xd0),
    });
    expect(command(fw, CMD.write, be(0x10, 0x8f)).frames[0].data).toEqual(Uint8Array.of(0xd0));
    const bad = encodeFrame(SOD_COMMAND, CMD.inquiry);
    bad[4] ^= 1;
    expect(send(fw, bad).frames[0]).toMatchObject({ code: 0x80, data: Uint8Array.of(STATUS.checksum) });
    expect(command(fw, 0x77).frames[0]).toMatchObject({
      code: 0xf7,
      data: Uint8Array.of(STATUS.unsupported),
    });
    expect(command(fw, CMD.dlm).frames[0].data).toEqual(Uint8Array.of(STATUS.unsupported));
    // A command packet in the middle of a write ends it with a flow error.
    command(fw, CMD.write, be(0, 0x7f));
    expect(command(fw, CMD.inquiry).frames[0].data).toEqual(Uint8Array.of(STATUS.flow));
    expect(command(fw, CMD.inquiry).frames[0].data).toEqual(Uint8Array.of(0));
  });

  it('locks flash commands behind the ID code and counts wrong codes', () => {
    const id = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const fw = ready(new RaBootFirmware(RA4M1, { transport: 'usb', idCode: id, idAttemptLimit: 3 }));
    expect(command(fw, CMD.read, be(0, 0x3ff)).frames[0].data).toEqual(Uint8Array.of(STATUS.protection));
    expect(command(fw, CMD.signature).frames[0].code).toBe(CMD.signature);
    expect(command(fw, CMD.idAuthentication, new Uint8Array(16)).frames[0]).toMatchObject({
      code: 0xb0,
      data: Uint8Array.of(STATUS.id),
    });
    expect(fw.counters.failedIdAttempts).toBe(1);
    expect(command(fw, CMD.idAuthentication, id).frames[0].data).toEqual(Uint8Array.of(0));
    expect(command(fw, CMD.read, be(0, 0x3ff)).frames[0].data.length).toBe(0x400);
    const limited = ready(new RaBootFirmware(RA4M1, { transport: 'usb', idCode: id, idAttemptLimit: 2 }));
    command(limited, CMD.idAuthentication, new Uint8Array(16));
    command(limited, CMD.idAuthentication, new Uint8Array(16));
    expect(command(limited, CMD.idAuthentication, id).frames[0].data).toEqual(
      Uint8Array.of(STATUS.serialDisabled),
    );
  });

  it('reports DLM state and TrustZone boundary on the Cortex-M33 part; refuses baud rates above its maximum', () => {
    const fw = ready(new RaBootFirmware(RA4M2, { transport: 'uart' }));
    expect(command(fw, CMD.dlm).frames[0].data).toEqual(Uint8Array.of(0x02));
    expect(command(fw, CMD.boundary).frames[0].data.length).toBe(10);
    expect(command(fw, CMD.baudRate, be(8_000_000)).frames[0].data).toEqual(Uint8Array.of(STATUS.baudMargin));
    const ok = send(fw, encodeFrame(SOD_COMMAND, CMD.baudRate, be(4_000_000)));
    expect(ok.frames[0].data).toEqual(Uint8Array.of(0));
  });

  it('fails an erase on demand without changing the flash', () => {
    const fw = ready(
      new RaBootFirmware(RA4M1, {
        transport: 'usb',
        flash: [{ address: 0, data: new Uint8Array(16) }],
      }),
    );
    fw.failNextErase = true;
    expect(command(fw, CMD.erase, be(0, 0x7ff)).frames[0]).toMatchObject({
      code: 0x92,
      data: Uint8Array.of(STATUS.erase),
    });
    expect(fw.peek(0, 4)).toEqual(new Uint8Array(4));
  });
});
