/**
 * What a kind of device adds to the one Flash flow. The workflow (connect → check → write →
 * verify, with the same file list, progress, cancel and result line for every board) is the
 * same for all; a backend only brings its device and its options through this interface:
 * the memory map files are shown in, what to apply before connecting (an ESP's link baud),
 * its own refusals (an ESP image header naming another chip), how it writes (erase-all first)
 * and what follows a flash (the serial monitor). A new backend registers one object here.
 */
import type { TargetDescription } from '../core/targets';
import type { ProgressEvent } from '../core/progress';
import type { BackendCallResult, DeviceConnection } from '../../workers/device/device-api';
import type { Refusal } from './image-checks';
import type { ImagePlan } from './operation-plan';

/** Runs one cancellable worker call: hands it a call id and a progress listener. */
export type CancellableCall = <T>(
  start: (callId: number, onProgress: (event: ProgressEvent) => void) => Promise<T>,
) => Promise<T>;

/** What a flow's write step gets. */
export interface FlowWrite {
  /** The device. */
  deviceId: string;
  /** The buffer laid into the chosen regions. */
  plan: ImagePlan;
  /** Runs a worker call with the workflow's cancel and progress. */
  cancellable: CancellableCall;
  /** Asks the person before a destructive step. */
  confirm: (message: string) => Promise<boolean>;
}

/** The backend-specific part of the Flash flow. */
export interface DeviceFlow {
  /** Device type it serves (`DeviceSummary.type`). */
  readonly type: string;
  /** The memory map a file is shown in while this device is selected; undefined keeps the file's own. */
  layout?(connection: DeviceConnection | undefined): TargetDescription | undefined;
  /**
   * Applied before each operation connects (options such as the link's baud; freeing the port).
   * Resolves true when the worker's session with the device has ended meanwhile (an ESP's
   * monitor ran the application), so the workflow connects again.
   */
  beforeConnect?(deviceId: string): Promise<boolean>;
  /** The backend's own reasons to refuse the plan, checked after connecting, before writing. */
  refusals?(deviceId: string, plan: ImagePlan, fileName: string): Promise<Refusal[]>;
  /** Writes and verifies the plan; without it the backend's `flash` operation does. */
  write?(request: FlowWrite): Promise<BackendCallResult & { warnings?: string[] }>;
  /** Runs after a successful flash. */
  afterFlash?(deviceId: string): Promise<void>;
}

/** The flows by device type. */
export class DeviceFlows {
  private readonly byType = new Map<string, DeviceFlow>();

  /** Registers `flow` for its device type (replacing an earlier one). */
  register(flow: DeviceFlow): void {
    this.byType.set(flow.type, flow);
  }

  /** The flow of device type `type`, if one is registered. */
  of(type: string | undefined): DeviceFlow | undefined {
    return type === undefined ? undefined : this.byType.get(type);
  }
}
