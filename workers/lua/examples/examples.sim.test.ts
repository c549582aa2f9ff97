/** The bundled example scripts (`public/scripts/examples/`), each run against the simulators. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe } from '../../../src/sim';
import { fixtureData } from '../../device/cmsis-dap/testing/images';
import { exampleScript, simRig } from '../testing/sim-rig';

function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name)));
}

describe('example erase_blocks_blank_check.lua', () => {
  it.each([
    ['micro:bit V2', () => createSimulatedMicrobit('v2', { latency: 'zero' })],
    ['STM32F411', () => createSimulatedStm32f411Probe({ latency: 'zero' })],
  ])('runs the seed flow on the %s', async (_name, create) => {
    const probe = create();
    probe.target.flash.fill(0x3c, 0, 0x2000);
    const rig = await simRig({ probes: [probe] });
    const result = await rig.run(exampleScript('erase_blocks_blank_check.lua'));
    expect(result.error).toBeUndefined();
    const text = result.logs.join('\n');
    expect(text).toContain('info: erase_blocks: done');
    expect(text).toContain('info: blank_check after erase: blank');
    expect(text).toMatch(/info: blank_check after write: .*Block 0 .*not blank/i);
    expect(text).toContain('info: verify after 0x57 -> 0x00: ok');
    expect(text).toMatch(/info: verify after 0x00 -> 0xFF: Verify failed at 0x[0-9A-F]*400/);
    const base = probe.target.flashBase;
    expect(probe.target.readMemory(base + 0x400, 16)).toEqual(
      new Uint8Array([0, ...new TextEncoder().encode('ebProg NOR test')]),
    );
  });
});

describe('example read_checksums.lua', () => {
  it('dumps the chip-side CRC of every block of a micro:bit V1 and matches the host CRC', async () => {
    const data = fixtureData('micropython-v1.1.1.hex');
    const probe = createSimulatedMicrobit('v1', { latency: 'zero', flash: data.segments() });
    const rig = await simRig({ probes: [probe] });
    const result = await rig.run(exampleScript('read_checksums.lua'));
    expect(result.error).toBeUndefined();
    const blocks = result.logs.filter((l) => l.startsWith('info: block '));
    expect(blocks).toHaveLength(257); // 256 flash pages and the UICR;
    // A 1 KiB page has 256 write units (more than 64): four equal sub-blocks; so has the UICR.
    expect(blocks[0]).toMatch(/^info: block 0 at 0x00000000: [0-9A-F]{8} subs( [0-9A-F]{8}){4}$/);
    expect(blocks[256]).toMatch(/^info: block 256 at 0x10001000: [0-9A-F]{8} subs( [0-9A-F]{8}){4}$/);
    expect(result.logs.at(-2)).toMatch(
      /^info: host CRC-32 of block 0's first 256-byte sub-block: [0-9A-F]{8} \(matches\)$/,
    );
    expect(result.logs).toContain('info: 257 blocks');
    expect(result.logs.at(-1)).toMatch(/^info: host CRC-32 of block 0: [0-9A-F]{8} \(matches\)$/);
  });
});

describe('example microbit_micropython_info.lua', () => {
  it('finds the MicroPython banner and the appended script on a micro:bit V1', async () => {
    const data = fixtureData('micropython-v1.0.1-appended-script.hex');
    const probe = createSimulatedMicrobit('v1', { latency: 'zero', flash: data.segments() });
    const rig = await simRig({ probes: [probe] });
    const result = await rig.run(exampleScript('microbit_micropython_info.lua'));
    expect(result.error).toBeUndefined();
    expect(String(result.returns[0])).toMatch(/^MicroPython v1\.9\.2/);
    expect(result.logs.some((l) => /^info: Appended script: \d+ bytes at 0x3E004$/.test(l))).toBe(true);
    expect(result.statuses.at(-1)).toEqual({ label: 'MicroPython', value: 'v1.9.2-34-gd64154c73' });
  });

  it('says so on a blank micro:bit V2', async () => {
    const rig = await simRig({ probes: [createSimulatedMicrobit('v2', { latency: 'zero' })] });
    const result = await rig.run(exampleScript('microbit_micropython_info.lua'));
    expect(result.returns).toEqual([false]);
    expect(result.logs.at(-1)).toMatch(/^warn: No MicroPython banner found/);
  });
});

describe('example production_line.lua', () => {
  it('flashes, verifies, numbers two boards in UICR and logs CSV rows', async () => {
    const firmware = { name: 'firmware.hex', bytes: fixtureBytes('micropython-v1.1.1.hex') };
    const first = createSimulatedMicrobit('v1', { latency: 'zero' });
    const rig1 = await simRig({ probes: [first] });
    const run1 = await rig1.run(exampleScript('production_line.lua'), { files: [firmware] });
    expect(run1.error).toBeUndefined();
    expect(run1.returns).toEqual([true, 1000]);
    expect(run1.statuses).toEqual([{ label: 'Serial', value: '1000' }]);
    expect(run1.logs).toContain('success: Board 1000 flashed and verified.');
    const uicr = first.target.readMemory(0x10001080, 4);
    expect(new DataView(uicr.buffer, uicr.byteOffset).getUint32(0, true)).toBe(1000);
    const csv1 = run1.savedFiles.filter((f) => f.name === 'production-log.csv').at(-1)!;
    const rows1 = new TextDecoder().decode(csv1.bytes).trim().split('\n');
    expect(rows1[0]).toBe('time,probe,target,firmware,crc32,serial,result');
    expect(rows1[1]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,\w+,Nordic nRF51822,firmware\.hex,[0-9A-F]{8},1000,ok$/,
    );

    // The next board continues the numbering from the log the person opened again.
    const second = createSimulatedMicrobit('v1', { latency: 'zero' });
    const rig2 = await simRig({ probes: [second] });
    const run2 = await rig2.run(exampleScript('production_line.lua'), { files: [firmware, csv1] });
    expect(run2.returns).toEqual([true, 1001]);
    const csv2 = run2.savedFiles.filter((f) => f.name === 'production-log.csv').at(-1)!;
    expect(new TextDecoder().decode(csv2.bytes).trim().split('\n')).toHaveLength(3);
    expect(second.target.readMemory(0, 0x100)).toEqual(first.target.readMemory(0, 0x100));
  });
});
