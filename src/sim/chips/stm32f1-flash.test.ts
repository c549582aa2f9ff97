/**
 * The STM32F1 FPEC driven through its registers by code running from flash (no debugger), as
 * an in-application programmer would: read-out protection write-protects the first 4 KiB only
 * (PM0075 §2.4.1: pages 0–3 of a 1 KiB-page part, pages 0–1 of a 2 KiB-page part).
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock';
import { CPU } from '../cortex-m/bus';
import { NorFlash } from './nor-flash';
import { defaultOptionBytes, F1_FLASH_SR, Stm32f1Flash } from './stm32f1-flash';

const KEYR = 0x04;
const SR = 0x0c;
const CR = 0x10;
const AR = 0x14;

function fpec(pageSize: number, flashSize: number): { flash: NorFlash; fpec: Stm32f1Flash } {
  const flash = new NorFlash(flashSize);
  const optionBytes = new NorFlash(16);
  optionBytes.load(0, defaultOptionBytes(true)); // RDP ≠ 0xA5: read-out protection on
  const controller = new Stm32f1Flash({
    clock: new VirtualClock(),
    flash,
    optionBytes,
    pageSize,
    timings: { programUs: 0, pageEraseUs: 0, massEraseUs: 0 },
    timeScale: 0,
    debuggerConnected: () => false,
  });
  const regs = controller.registers;
  regs.write(KEYR, 0x45670123, 4, CPU);
  regs.write(KEYR, 0xcdef89ab, 4, CPU);
  return { flash, fpec: controller };
}

/** Page-erases the page at `offset` and programs a half-word there; returns SR. */
function eraseAndProgram(controller: Stm32f1Flash, offset: number): number {
  const regs = controller.registers;
  regs.write(SR, 0xff, 4, CPU);
  regs.write(CR, 0x02, 4, CPU); // PER
  regs.write(AR, 0x08000000 + offset, 4, CPU);
  regs.write(CR, 0x42, 4, CPU); // PER | STRT
  regs.write(CR, 0x01, 4, CPU); // PG
  controller.arrayPort.write(offset, 0x1234, 2, CPU);
  regs.write(CR, 0, 4, CPU);
  return regs.read(SR, 4, CPU);
}

describe('STM32F1 read-out protection write-protects the first 4 KiB (PM0075)', () => {
  it.each([
    ['medium density, 1 KiB pages', 1024, 64 * 1024],
    ['high density, 2 KiB pages', 2048, 512 * 1024],
  ])('%s', (_name, pageSize, flashSize) => {
    const { flash, fpec: controller } = fpec(pageSize, flashSize);
    expect(controller.readProtected).toBe(true);
    expect(eraseAndProgram(controller, 0x0800) & F1_FLASH_SR.WRPRTERR).not.toBe(0);
    expect(flash.read(0x0800, 2)).toBe(0xffff);
    expect(eraseAndProgram(controller, 0x1000) & F1_FLASH_SR.WRPRTERR).toBe(0);
    expect(flash.read(0x1000, 2)).toBe(0x1234);
  });
});
