/**
 * The person's own targets inside the device worker: the page hands over what it keeps in
 * IndexedDB ({@link UserTargetRegistry.set}); identification tries the loaded device scripts
 * before the built-in ones (a loaded script for a chip is what the person means to use), and a
 * connect naming a loaded CMSIS target flashes through its algorithms.
 */
import type { CmsisTarget } from '../../../src/core/cmsis/algorithm';
import { userCmsisTarget, userScript, type UserTarget } from '../../../src/core/user-targets';
import type { ScriptCandidate } from './identify';
import { toCandidate } from './script-catalogue';

/** The loaded targets, parsed once each time they are set. */
export class UserTargetRegistry {
  private scripts: ScriptCandidate[] = [];
  private targets: CmsisTarget[] = [];

  /**
   * Replaces the loaded targets. Each was checked when it was loaded; one that no longer parses
   * (stored by an older version) is left out rather than stopping the others.
   */
  set(targets: readonly UserTarget[]): { skipped: { name: string; reason: string }[] } {
    const scripts: ScriptCandidate[] = [];
    const cmsis: CmsisTarget[] = [];
    const skipped: { name: string; reason: string }[] = [];
    for (const t of targets) {
      try {
        if (t.kind === 'device-script') scripts.push(toCandidate(userScript(t)));
        else cmsis.push(userCmsisTarget(t));
      } catch (error) {
        skipped.push({ name: t.name, reason: (error as Error).message });
      }
    }
    this.scripts = scripts;
    this.targets = cmsis;
    return { skipped };
  }

  /** Identification candidates: the loaded scripts, then `builtIn`. */
  scriptsWith(builtIn: () => Promise<readonly ScriptCandidate[]>): () => Promise<readonly ScriptCandidate[]> {
    return async () => [...this.scripts, ...(await builtIn())];
  }

  /** The loaded device scripts (as they were parsed when set). */
  loadedScripts = (): readonly ScriptCandidate[] => this.scripts;

  /** The loaded CMSIS targets. */
  cmsisTargets = async (): Promise<readonly CmsisTarget[]> => this.targets;
}
