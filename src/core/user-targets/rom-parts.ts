/**
 * What a ROM table's designer and part number say about the chip's family, for matching loaded
 * targets by name. ST gives its MCU ROM table the chip's DEV_ID as part number (the DBGMCU_IDCODE
 * DEV_ID of the reference manuals: RM0008 STM32F10x, RM0090 F405/F407/F42x/F43x, RM0368 F401,
 * RM0383 F411, RM0402 F412, RM0430 F413, RM0401 F410, RM0444 STM32G0); Nordic's parts are the
 * ones our simulated chips carry (nRF51822 0x001, nRF52840 0x008, nRF52833 0x00D, as pyOCD
 * logs them); Microchip's SAM D21 DSU table 0xCD0. A part missing here simply gives no name
 * match: the designer still does.
 */
import type { Jep106 } from './jep106';

const ST = { cc: 0, id: 0x20 };
const NORDIC = { cc: 2, id: 0x44 };
const MICROCHIP = { cc: 0, id: 0x1f };

/** Designer, part number and the name prefixes of the chips that carry it. */
const PARTS: { designer: Jep106; part: number; prefixes: string[] }[] = [
  { designer: NORDIC, part: 0x001, prefixes: ['nRF51'] },
  { designer: NORDIC, part: 0x008, prefixes: ['nRF52840'] },
  { designer: NORDIC, part: 0x00d, prefixes: ['nRF52833'] },
  { designer: ST, part: 0x410, prefixes: ['STM32F101', 'STM32F102', 'STM32F103'] },
  { designer: ST, part: 0x412, prefixes: ['STM32F101', 'STM32F102', 'STM32F103'] },
  { designer: ST, part: 0x414, prefixes: ['STM32F101', 'STM32F103'] },
  { designer: ST, part: 0x430, prefixes: ['STM32F101', 'STM32F103'] },
  { designer: ST, part: 0x418, prefixes: ['STM32F105', 'STM32F107'] },
  { designer: ST, part: 0x413, prefixes: ['STM32F405', 'STM32F407', 'STM32F415', 'STM32F417'] },
  { designer: ST, part: 0x419, prefixes: ['STM32F427', 'STM32F429', 'STM32F437', 'STM32F439'] },
  { designer: ST, part: 0x423, prefixes: ['STM32F401'] },
  { designer: ST, part: 0x433, prefixes: ['STM32F401'] },
  { designer: ST, part: 0x431, prefixes: ['STM32F411'] },
  { designer: ST, part: 0x458, prefixes: ['STM32F410'] },
  { designer: ST, part: 0x441, prefixes: ['STM32F412'] },
  { designer: ST, part: 0x463, prefixes: ['STM32F413', 'STM32F423'] },
  { designer: ST, part: 0x460, prefixes: ['STM32G070', 'STM32G071', 'STM32G081'] },
  { designer: ST, part: 0x466, prefixes: ['STM32G030', 'STM32G031', 'STM32G041', 'STM32G051', 'STM32G061'] },
  { designer: ST, part: 0x467, prefixes: ['STM32G0B0', 'STM32G0B1', 'STM32G0C1'] },
  { designer: MICROCHIP, part: 0xcd0, prefixes: ['ATSAMD21', 'SAMD21'] },
];

/** Name prefixes of the chips with this designer and part number (empty when unknown). */
export function partPrefixes(designer: Jep106 | undefined, part: number): string[] {
  if (!designer) return [];
  return (
    PARTS.find((p) => p.designer.cc === designer.cc && p.designer.id === designer.id && p.part === part)
      ?.prefixes ?? []
  );
}
