/** WebProg's own CMSIS algorithms (device-scripts/cmsis/build) loaded three ways, for tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CmsisTarget } from '../../../../src/core/cmsis/algorithm';
import { parseFlm } from '../../../../src/core/cmsis/flm';
import { openPack, packTarget } from '../../../../src/core/cmsis/pack';
import { parseProbeRsTarget, probeRsTarget } from '../../../../src/core/cmsis/probe-rs';

const BUILD = join(process.cwd(), 'device-scripts', 'cmsis', 'build');

/** A built file's bytes. */
export function ownAlgorithmFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(BUILD, name)));
}

/** The chips with their pack device name, FLM stem and RAM. */
export const OWN_TARGETS = {
  nrf51822: { device: 'nRF51822_xxAA', ram: { start: 0x2000_0000, size: 0x4000 } },
  nrf52833: { device: 'nRF52833_xxAA', ram: { start: 0x2000_0000, size: 0x2_0000 } },
  stm32f411: { device: 'STM32F411RETx', ram: { start: 0x2000_0000, size: 0x2_0000 } },
} as const;

/** How a target was loaded. */
export type LoadPath = 'flm' | 'pack' | 'probe-rs';

/** The target of `stem` loaded through `path`. */
export function ownTarget(stem: keyof typeof OWN_TARGETS, path: LoadPath): CmsisTarget {
  const { device, ram } = OWN_TARGETS[stem];
  switch (path) {
    case 'flm': {
      const algo = parseFlm(ownAlgorithmFile(`${stem}.FLM`), `${stem}.FLM`);
      return { name: device, ram, algorithms: [algo], source: 'flm' };
    }
    case 'pack':
      return packTarget(openPack(ownAlgorithmFile('WebProg.SimulatedChips.pack'), 'pack'), device);
    case 'probe-rs': {
      const text = new TextDecoder().decode(ownAlgorithmFile(`${stem}.yaml`));
      return probeRsTarget(parseProbeRsTarget(text, `${stem}.yaml`), device);
    }
  }
}
