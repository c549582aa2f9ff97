/** One device's session for a command: choose it, connect (identify the chip), work, disconnect. */
import type {
  BackendCallArgs,
  BackendOperation,
  DeviceConnection,
  DeviceSummary,
} from '../../workers/device/device-api';
import type { BackendCallResult } from '../../workers/device/device-api';
import type { CommandContext } from '../context';
import { oneDevice } from '../select-device';

/** A connected device. */
export interface Session {
  device: DeviceSummary;
  connection: DeviceConnection;
  /** A name for result lines: the micro:bit's friendly name, else the device's. */
  label: string;
  /** Runs a backend operation with progress, writes allowed (the command asked for them). */
  call(operation: BackendOperation, args?: BackendCallArgs): Promise<BackendCallResult>;
}

/** Connects `device` and returns its session. */
export async function openSession(
  ctx: CommandContext,
  device: DeviceSummary,
  tag?: string,
): Promise<Session> {
  const onProgress = (event: Parameters<CommandContext['reporter']['progress']>[0]) =>
    ctx.reporter.progress(event, tag);
  const connection = await ctx.host.device.connectDevice(device.id, { onProgress, chip: ctx.options.chip });
  const label = connection.friendlyName ?? device.microbit?.name ?? device.name;
  return {
    device,
    connection,
    label,
    call: (operation, args = {}) =>
      ctx.host.device.backendCall(device.id, operation, args, {
        allowWrites: true,
        onProgress,
        confirm: async () => true,
      }),
  };
}

/** Runs `work` on the one chosen device, disconnecting afterwards whatever happens. */
export async function withSession<T>(
  ctx: CommandContext,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const device = await oneDevice(ctx.host, ctx.options);
  const session = await openSession(ctx, device);
  try {
    return await work(session);
  } finally {
    await ctx.host.device.disconnectDevice(device.id).catch(() => undefined);
  }
}

/** Seconds with two decimals. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
