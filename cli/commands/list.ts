/** `webprog list`: the probes and serial boards present, with their ids and names. */
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { describeDevice } from '../select-device';

/** Lists the devices. */
export async function list(ctx: CommandContext): Promise<number> {
  const devices = await ctx.host.device.listDevices();
  const problem = ctx.host.usbProblem();
  if (problem) ctx.reporter.warn(problem);
  const lines = devices.length === 0 ? ['No probe or board found.'] : devices.map(describeDevice);
  ctx.reporter.result(lines.join('\n'), {
    command: 'list',
    devices: devices.map((d) => ({
      id: d.id,
      type: d.type,
      name: d.name,
      serial: d.serial,
      simulated: d.simulated,
      ...(d.microbit ? { microbit: d.microbit, friendlyName: d.microbit.name } : {}),
    })),
  });
  return ExitCode.done;
}
