/**
 * The checksum-scripts page of MultiProg (kuraga.tech/docs/MultiProg/scripts/checksum-scripts):
 * its `checksum_profiles.json` example and its `renesas_nec_checksum.lua`, verbatim in
 * workers/lua/examples/multiprog-pages, read as MultiProg reads them (the scripts' runs are in
 * workers/lua/examples/multiprog-pages.sim.test.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isChecksumScript, parseProfiles, profileFor } from './checksum-scripts';

function page(name: string): string {
  return readFileSync(resolve(process.cwd(), 'workers/lua/examples/multiprog-pages', name), 'utf8');
}

describe("MultiProg's checksum-scripts page", () => {
  it('checksum_profiles.json maps "K0R Auto Target" to renesas_nec_checksum.lua', () => {
    const profiles = parseProfiles(page('checksum_profiles.json'));
    expect(profiles).toEqual([
      { target_pattern: 'K0R Auto Target', checksum_name: '', script_name: 'renesas_nec_checksum.lua' },
    ]);
    expect(profileFor(profiles, 'K0R Auto Target')?.script_name).toBe('renesas_nec_checksum.lua');
    expect(profileFor(profiles, 'R5F100LE')).toBeUndefined();
  });

  it('renesas_nec_checksum.lua carries the @checksum-script marker in its first 512 bytes', () => {
    expect(isChecksumScript(page('renesas_nec_checksum.lua'))).toBe(true);
  });
});
