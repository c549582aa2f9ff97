/**
 * The device worker's implementation of {@link WorkbenchWorkerApi} over the device manager: each
 * call runs in the device's queue on its CMSIS-DAP backend, which hands the core over
 * ({@link CmsisDapBackend.benchAttach}); the uploaded script's session is kept per device until
 * anything else connects to the chip.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { DeviceManager } from '../devices';
import { requireWrites } from '../segments';
import type { WorkbenchWorkerApi } from './bench-api';
import { benchInfo, type SourcedScript } from './bench-info';
import { BenchSession, benchCandidate } from './bench-session';
import { CmsisDapBackend } from './backend';
import type { Backend } from '../backend';
import type { ScriptCandidate } from './identify';

/** Where the scripts identification tries come from. */
export interface BenchScriptSources {
  /** The scripts the app ships. */
  builtIn: () => Promise<readonly ScriptCandidate[]>;
  /** The scripts the person loaded (tried first). */
  loaded: () => readonly ScriptCandidate[];
}

/** Creates the workbench API. */
export function createWorkbenchApi(
  devices: Pick<DeviceManager, 'withBackend'>,
  sources: BenchScriptSources,
): WorkbenchWorkerApi {
  const sessions = new Map<string, BenchSession>();
  const cmsisDap = (deviceId: string, backend: Backend): CmsisDapBackend => {
    if (!(backend instanceof CmsisDapBackend)) {
      throw new WebProgError(
        'NOT_SUPPORTED',
        `Not Supported: the workbench runs device scripts on Cortex-M chips behind a CMSIS-DAP probe; ${deviceId} is a ${backend.type} device.`,
      );
    }
    return backend;
  };
  const live = (deviceId: string, backend: Backend): BenchSession => {
    const session = sessions.get(deviceId);
    if (!session || !cmsisDap(deviceId, backend).holdsBench(session.link)) {
      sessions.delete(deviceId);
      throw new WebProgError(
        'NOT_CONNECTED',
        'The workbench has no script on the chip (none uploaded yet, or the chip was connected for another operation since): upload it again.',
      );
    }
    return session;
  };

  return {
    async benchInfo(deviceId, extra, options = {}) {
      return devices.withBackend(deviceId, 'workbench info', options, async (backend) => {
        const link = await cmsisDap(deviceId, backend).benchAttach();
        sessions.delete(deviceId);
        const scripts: SourcedScript[] = [
          ...sources.loaded().map((script) => ({ script, source: 'loaded' as const })),
          ...(await sources.builtIn()).map((script) => ({ script, source: 'built-in' as const })),
          ...(extra ? [{ script: benchCandidate(extra), source: 'workbench' as const }] : []),
        ];
        return benchInfo(link, scripts);
      });
    },

    async benchLoad(deviceId, script, options = {}) {
      const candidate = benchCandidate(script);
      return devices.withBackend(deviceId, 'workbench upload', options, async (backend) => {
        const link = await cmsisDap(deviceId, backend).benchAttach();
        sessions.delete(deviceId);
        const session = new BenchSession(link, candidate);
        const loaded = await session.load();
        sessions.set(deviceId, session);
        return loaded;
      });
    },

    async benchStage(deviceId, stage, options = {}) {
      return devices.withBackend(deviceId, `workbench ${stage}`, options, async (backend) =>
        live(deviceId, backend).stage(stage),
      );
    },

    async benchBlock(deviceId, request, options = {}) {
      return devices.withBackend(deviceId, 'workbench block test', options, async (backend, ctx) => {
        const session = live(deviceId, backend);
        if ((request.erase ?? true) || (request.write ?? true)) {
          requireWrites(ctx.allowWrites, 'The workbench block test');
          const what = [(request.erase ?? true) ? 'erase' : '', (request.write ?? true) ? 'program' : '']
            .filter(Boolean)
            .join(' and ');
          if (
            ctx.confirm &&
            !(await ctx.confirm(
              `${what[0].toUpperCase()}${what.slice(1)} the flash block at ${formatAddress(request.address)} through the workbench's "${session.script.name}" script? What the block holds is lost.`,
            ))
          ) {
            throw new WebProgError('CANCELLED', 'The block test was not confirmed.');
          }
        }
        return session.block(request);
      });
    },
  };
}
