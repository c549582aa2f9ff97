/**
 * The Renesas chips WebProg's serial backends program, as catalogue targets: RL78/G13 and G14
 * parts (backend "rl78", RL78 Protocol A over a USB-UART) and the RA4M1 / RA4M2 (backend "ra",
 * the RA standard boot firmware over USB or UART). Their regions are the ones the backends build
 * when the chip is connected, so a buffer laid out from the catalogue matches the chip.
 *
 * RL78: code flash from 0x00000 and data flash from 0xF1000, both in 1 KiB erase blocks with a
 * 256-byte programming unit; the part number's letter after the pin-count letter gives the code
 * flash size (E 64 KiB, G 128 KiB, J 256 KiB), data flash is 4 KiB up to 64 KiB of code flash and
 * 8 KiB above (RL78/G13 and G14 user manuals, "Flash memory").
 *
 * RA: the areas the boot firmware reports (RA4M1 User's Manual R01UH0887 / datasheet R01DS0152:
 * 256 KiB code flash in 2 KiB blocks, 8 KiB data flash in 1 KiB blocks at 0x40100000; RA4M2
 * datasheet R01DS0417: 512 KiB code flash in 8 × 8 KiB then 32 KiB blocks, 8 KiB data flash in
 * 64-byte blocks at 0x08000000), with the option-setting area as "Config".
 */
import { flashRegion, type Region } from '../memory/region';
import type { TargetDescription } from './catalogue';

const KiB = 1024;

/** An RL78 part's regions: code flash at 0, data flash at 0xF1000. */
function rl78Regions(codeKiB: number, dataKiB: number): Region[] {
  return [
    flashRegion('Code Flash', 0, codeKiB * KiB, KiB, 256),
    flashRegion('Data Flash', 0xf1000, dataKiB * KiB, KiB, 256),
  ];
}

/** An RL78 catalogue entry. */
function rl78(part: string, family: string, codeKiB: number, dataKiB: number): TargetDescription {
  return {
    id: part.toLowerCase(),
    name: `${part} (${family}, ${codeKiB} KiB)`,
    family,
    programmer: 'rl78',
    regions: rl78Regions(codeKiB, dataKiB),
  };
}

/** A config area the RA boot firmware writes but never erases. */
function configArea(base: number, size: number): Region {
  return { name: 'Config', base, size, eraseSize: size, writeSize: 0x10, fill: 0xff, kind: 'other' };
}

/** RA4M2 code flash blocks: 8 × 8 KiB, then 32 KiB blocks up to 512 KiB. */
const RA4M2_BLOCKS = (() => {
  const blocks: { address: number; size: number }[] = [];
  for (let a = 0; a < 0x1_0000; a += 0x2000) blocks.push({ address: a, size: 0x2000 });
  for (let a = 0x1_0000; a < 0x8_0000; a += 0x8000) blocks.push({ address: a, size: 0x8000 });
  return blocks;
})();

/** The Renesas targets, RL78 parts first. */
export const RENESAS_TARGETS: readonly TargetDescription[] = [
  rl78('R5F100LE', 'RL78/G13', 64, 4),
  rl78('R5F100LG', 'RL78/G13', 128, 8),
  rl78('R5F100GJ', 'RL78/G13', 256, 8),
  rl78('R5F104LE', 'RL78/G14', 64, 4),
  rl78('R5F104LG', 'RL78/G14', 128, 8),
  {
    id: 'ra4m1',
    name: 'RA4M1 (R7FA4M1AB3CFM, Arduino Uno R4)',
    aliases: ['R7FA4M1AB3CFM', 'R7FA4M1AB'],
    family: 'RA4',
    programmer: 'ra',
    regions: [
      flashRegion('Code Flash', 0, 256 * KiB, 2 * KiB, 0x80),
      configArea(0x0101_0000, 0x100),
      flashRegion('Data Flash', 0x4010_0000, 8 * KiB, KiB, 4),
    ],
  },
  {
    id: 'ra4m2',
    name: 'RA4M2 (R7FA4M2AD3CFP, EK-RA4M2)',
    aliases: ['R7FA4M2AD3CFP', 'R7FA4M2AD'],
    family: 'RA4',
    programmer: 'ra',
    regions: [
      flashRegion('Code Flash', 0, 512 * KiB, 32 * KiB, 0x80, { blocks: RA4M2_BLOCKS }),
      configArea(0x0100_a100, 0x200),
      flashRegion('Data Flash', 0x0800_0000, 8 * KiB, 0x40, 4),
    ],
  },
];
