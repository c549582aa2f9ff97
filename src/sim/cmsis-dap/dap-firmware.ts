/**
 * The CMSIS-DAP v2 firmware of a simulated probe: turns one command packet into one response
 * packet, byte for byte as Arm's CMSIS-DAP `DAP.c` does in DAPLink (`source/daplink/cmsis-dap/`)
 * built for its KL26Z/KL27Z interface chips (`hic_hal/freescale/kl2xz/DAP_config.h`): SWD only,
 * no JTAG, no SWO, no CMSIS-DAP UART, no timestamps, no device-specific reset sequence. Every
 * SWD packet, SWJ/SWD sequence and delay takes modeled time on the target's wire at the
 * configured clock (limited to what the probe can really reach).
 */
import { ACK, type SwdWire } from '../adi/swd-wire';
import { DapCommand, DapInfo, DAP_ERROR, DAP_OK, DP_ABORT_WRITE } from './constants';
import { dapTransfer, dapTransferBlock, type TransferEngine } from './dap-transfer';
import {
  daplinkVendorCommand,
  daplinkVendorRequestLength,
  type DaplinkVendorContext,
} from './daplink-vendor';

/** The strings and numbers a probe reports through DAP_Info. */
export interface ProbeIdentity {
  /** DAP_Info vendor name; DAPLink leaves it unset (`CMSIS_DAP_VENDOR_NAME`): length 0. */
  vendor?: string;
  product: string;
  serialNumber: string;
  protocolVersion: string;
  targetDeviceVendor?: string;
  targetDeviceName?: string;
  targetBoardVendor?: string;
  targetBoardName?: string;
  firmwareVersion: string;
  packetSize: number;
  packetCount: number;
}

/** DAP_Connect port values. */
const PORT_DISABLED = 0;
const PORT_SWD = 1;
/** DAP_SWJ_Pins bit of nRESET. */
const PIN_NRESET = 1 << 7;
/** DAP_SWJ_Pins bits of SWCLK and SWDIO (the only other pins a DAPLink interface chip reads). */
const PIN_SWCLK_SWDIO = 0x03;
/** DAP_Info capabilities: SWD (bit 0) and atomic commands (bit 4, always set by `DAP.c` v2). */
const CAPABILITIES = 0x11;
/** DAP_SWD_Sequence info byte: clock count (0 = 64) and SWDIO capture. */
const SWD_SEQUENCE_CLK = 0x3f;
const SWD_SEQUENCE_DIN = 0x80;
/** DAPLink's SWJ clock before DAP_SWJ_Clock on the KL26Z (`DAP_DEFAULT_SWJ_CLOCK`). */
const DEFAULT_SWJ_CLOCK = 5_000_000;

/** Options for {@link DapFirmware}. */
export interface DapFirmwareOptions {
  identity: ProbeIdentity;
  wire: SwdWire;
  /** Highest SWD clock the probe reaches (Hz). */
  probeMaxSwdHz: number;
  /**
   * SWJ clock before the host sends DAP_SWJ_Clock: `DAP_DEFAULT_SWJ_CLOCK` of the interface
   * chip's DAP_config.h (KL26Z 5 MHz, the default; KL27Z 8 MHz).
   */
  defaultSwjClockHz?: number;
  /**
   * DAP_ResetTarget pulses nRESET (returns execute = 1) when true. DAPLink's `RESET_TARGET()`
   * has no such sequence (returns 0 and does nothing), so the default is false.
   */
  resetSequence?: boolean;
  /**
   * Vendor commands (0x80–0x9F) of the board's build (the UART bridge): returns the response
   * length, or undefined for a command it does not handle (then DAPLink's other vendor
   * commands answer it, see `daplink-vendor.ts`; what neither covers answers 0xFF).
   */
  vendor?: (request: Uint8Array, out: Uint8Array) => number | undefined;
}

/** The command processor. */
export class DapFirmware implements TransferEngine {
  waitRetry = 100;
  matchRetry = 0;
  matchMask = 0;
  readData = 0;
  private port = PORT_DISABLED;
  private idleCycles = 0;
  private turnaround = 1;
  private dataPhase = false;
  private clockHz: number;
  private pins = 0xff;
  /** SWD packets performed (including WAIT retries). */
  swdPackets = 0;
  private readonly scratch = new Uint8Array(4 + 4 * 65536);

  constructor(private readonly options: DapFirmwareOptions) {
    this.clockHz = options.defaultSwjClockHz ?? DEFAULT_SWJ_CLOCK;
  }

  /** The identity this probe reports. */
  get identity(): ProbeIdentity {
    return this.options.identity;
  }

  /** Effective SWD bit time in µs. */
  private get bitUs(): number {
    return 1e6 / Math.min(this.clockHz, this.options.probeMaxSwdHz);
  }

  /** Performs one SWD packet on the wire: time passes, then the target answers. */
  swd(request: number, data: number): number {
    const wire = this.options.wire;
    this.swdPackets++;
    const bitUs = this.bitUs;
    wire.elapse((8 + this.turnaround + 3) * bitUs);
    const ack = wire.transfer(request, data);
    if (ack === ACK.OK) this.readData = wire.readData;
    // SW_DP.c: OK moves 32 data bits + parity, a turnaround and the idle cycles; WAIT and FAULT
    // only a turnaround (plus a dummy data phase if configured); any other ACK is a protocol
    // error, backed off with a turnaround and 33 clocks.
    let tailBits: number;
    if (ack === ACK.OK) tailBits = 33 + this.turnaround + this.idleCycles;
    else if (ack === ACK.WAIT || ack === ACK.FAULT) tailBits = this.turnaround + (this.dataPhase ? 33 : 0);
    else tailBits = this.turnaround + 33;
    wire.elapse(tailBits * bitUs);
    return ack;
  }

  /** Processes one command; returns the response (a fresh array, at most the packet size). */
  process(request: Uint8Array): Uint8Array {
    const length = this.execute(request, this.scratch);
    return this.scratch.slice(0, Math.min(length, this.options.identity.packetSize));
  }

  /**
   * Writes the response to `request` into `out`; returns its length. `nested` is true for a
   * command inside DAP_ExecuteCommands (processed by `DAP_ProcessCommand`, which does not take
   * another DAP_ExecuteCommands).
   */
  execute(request: Uint8Array, out: Uint8Array, nested = false): number {
    const command = request[0];
    if (command >= 0x80 && command <= 0x9f) {
      const n = this.options.vendor?.(request, out) ?? daplinkVendorCommand(request, out, this.vendorContext);
      if (n !== undefined) return n;
      out[0] = DapCommand.Invalid;
      return 1;
    }
    out[0] = command;
    const args = request.subarray(1);
    const body = out.subarray(1);
    switch (command) {
      case DapCommand.Info: {
        const n = this.info(args[0], out.subarray(2));
        out[1] = n;
        return 2 + n;
      }
      case DapCommand.HostStatus:
        out[1] = args[0] <= 1 ? DAP_OK : DAP_ERROR;
        return 2;
      case DapCommand.Connect:
        return 1 + this.connect(args[0], body);
      case DapCommand.Disconnect:
        this.port = PORT_DISABLED;
        // PORT_OFF: the pins go high-Z; nRESET's pull-up releases the target.
        this.options.wire.setResetPin(true);
        out[1] = DAP_OK;
        return 2;
      case DapCommand.TransferConfigure:
        this.idleCycles = args[0];
        this.waitRetry = args[1] | (args[2] << 8);
        this.matchRetry = args[3] | (args[4] << 8);
        out[1] = DAP_OK;
        return 2;
      case DapCommand.Transfer:
        if (this.port !== PORT_SWD) {
          out[1] = out[2] = 0;
          return 3;
        }
        return 1 + dapTransfer(this, args, body);
      case DapCommand.TransferBlock:
        if (this.port !== PORT_SWD) {
          out[1] = out[2] = out[3] = 0;
          return 4;
        }
        return 1 + dapTransferBlock(this, args, body);
      case DapCommand.WriteAbort:
        if (this.port !== PORT_SWD) {
          out[1] = DAP_ERROR;
          return 2;
        }
        this.swd(DP_ABORT_WRITE, (args[1] | (args[2] << 8) | (args[3] << 16) | (args[4] << 24)) >>> 0);
        out[1] = DAP_OK;
        return 2;
      case DapCommand.Delay:
        this.options.wire.elapse(args[0] | (args[1] << 8));
        out[1] = DAP_OK;
        return 2;
      case DapCommand.ResetTarget:
        out[2] = this.resetTarget();
        out[1] = DAP_OK;
        return 3;
      case DapCommand.SwjPins:
        out[1] = this.swjPins(args);
        return 2;
      case DapCommand.SwjClock: {
        const hz = (args[0] | (args[1] << 8) | (args[2] << 16) | (args[3] << 24)) >>> 0;
        if (hz === 0) out[1] = DAP_ERROR;
        else {
          this.clockHz = hz;
          out[1] = DAP_OK;
        }
        return 2;
      }
      case DapCommand.SwjSequence: {
        const bits = args[0] === 0 ? 256 : args[0];
        this.options.wire.elapse(bits * this.bitUs);
        this.options.wire.sequence(bits, args.subarray(1));
        out[1] = DAP_OK;
        return 2;
      }
      case DapCommand.SwdConfigure:
        this.turnaround = (args[0] & 3) + 1;
        this.dataPhase = (args[0] & 4) !== 0;
        out[1] = DAP_OK;
        return 2;
      case DapCommand.SwdSequence:
        return 1 + this.swdSequence(args, body);
      case DapCommand.JtagSequence:
      case DapCommand.JtagConfigure:
      case DapCommand.JtagIdcode:
        // Always compiled into DAP.c; with DAP_JTAG = 0 they answer DAP_ERROR.
        out[1] = DAP_ERROR;
        return 2;
      case DapCommand.ExecuteCommands:
        if (nested) break; // DAP_ProcessCommand does not know it: ID_DAP_Invalid
        return this.executeCommands(request, out);
      default:
        // Includes the SWO commands: DAP.c compiles them in only with SWO_UART/SWO_MANCHESTER.
        break;
    }
    out[0] = DapCommand.Invalid;
    return 1;
  }

  private info(id: number, out: Uint8Array): number {
    const identity = this.options.identity;
    const text = (value: string | undefined): number => {
      if (value === undefined) return 0;
      const bytes = new TextEncoder().encode(value);
      out.set(bytes);
      out[bytes.length] = 0;
      return bytes.length + 1;
    };
    switch (id) {
      case DapInfo.Vendor:
        return text(identity.vendor);
      case DapInfo.Product:
        return text(identity.product);
      case DapInfo.SerialNumber:
        return text(identity.serialNumber);
      case DapInfo.ProtocolVersion:
        return text(identity.protocolVersion);
      case DapInfo.TargetDeviceVendor:
        return text(identity.targetDeviceVendor);
      case DapInfo.TargetDeviceName:
        return text(identity.targetDeviceName);
      case DapInfo.TargetBoardVendor:
        return text(identity.targetBoardVendor);
      case DapInfo.TargetBoardName:
        return text(identity.targetBoardName);
      case DapInfo.FirmwareVersion:
        return text(identity.firmwareVersion);
      case DapInfo.Capabilities:
        out[0] = CAPABILITIES;
        return 1;
      case DapInfo.PacketCount:
        out[0] = identity.packetCount;
        return 1;
      case DapInfo.PacketSize:
        out[0] = identity.packetSize & 0xff;
        out[1] = identity.packetSize >>> 8;
        return 2;
      default:
        return 0;
    }
  }

  private connect(port: number, out: Uint8Array): number {
    const chosen = port === 0 ? PORT_SWD : port;
    if (chosen !== PORT_SWD) {
      out[0] = PORT_DISABLED;
      return 1;
    }
    this.port = PORT_SWD;
    // PORT_SWD_SETUP drives SWCLK, SWDIO and nRESET high.
    this.pins |= PIN_SWCLK_SWDIO | PIN_NRESET;
    this.options.wire.setResetPin(true);
    out[0] = PORT_SWD;
    return 1;
  }

  private resetTarget(): number {
    if (this.options.resetSequence !== true) return 0;
    this.pulseReset();
    return 1;
  }

  /** Pulls nRESET low for a moment and releases it. */
  private pulseReset(): void {
    const wire = this.options.wire;
    wire.setResetPin(false);
    wire.elapse(1000);
    wire.setResetPin(true);
    wire.elapse(1000);
  }

  /** What DAPLink's vendor commands reach. */
  private get vendorContext(): DaplinkVendorContext {
    return { uniqueId: this.options.identity.serialNumber, resetRun: () => this.pulseReset() };
  }

  private swjPins(args: Uint8Array): number {
    const value = args[0];
    const select = args[1];
    const waitUs = Math.min((args[2] | (args[3] << 8) | (args[4] << 16) | (args[5] << 24)) >>> 0, 3_000_000);
    this.pins = (this.pins & ~select) | (value & select);
    const wire = this.options.wire;
    if (select & PIN_NRESET) wire.setResetPin((value & PIN_NRESET) !== 0);
    if (waitUs > 0) {
      const mismatch = (select & PIN_NRESET) !== 0 && ((value & PIN_NRESET) !== 0) !== wire.resetPinHigh;
      wire.elapse(mismatch ? waitUs : 1);
    }
    const reset = wire.resetPinHigh ? PIN_NRESET : 0;
    // DAPLink's PIN_TDI_IN, PIN_TDO_IN and PIN_nTRST_IN return 0 ("Not available").
    return (this.pins & PIN_SWCLK_SWDIO) | reset;
  }

  /**
   * DAP_SWD_Sequence: `args` starts at the sequence count; writes the status byte and any
   * captured SWDIO bytes into `out` and returns their length. Output sequences reach the
   * target like DAP_SWJ_Sequence bits; between packets nothing drives SWDIO but the pull-ups,
   * so a capture reads ones.
   */
  private swdSequence(args: Uint8Array, out: Uint8Array): number {
    const wire = this.options.wire;
    out[0] = DAP_OK;
    let o = 1;
    let r = 1;
    for (let i = 0; i < args[0]; i++) {
      const info = args[r++];
      const bits = info & SWD_SEQUENCE_CLK || 64;
      const bytes = Math.ceil(bits / 8);
      wire.elapse(bits * this.bitUs);
      if (info & SWD_SEQUENCE_DIN) {
        for (let b = 0; b < bytes; b++) out[o++] = (1 << Math.min(8, bits - 8 * b)) - 1;
      } else {
        wire.sequence(bits, args.subarray(r, r + bytes));
        r += bytes;
      }
    }
    return o;
  }

  /** DAP_ExecuteCommands: several commands in one packet, responses concatenated. */
  private executeCommands(request: Uint8Array, out: Uint8Array): number {
    const count = request[1];
    out[1] = count;
    let r = 2;
    let o = 2;
    const scratch = new Uint8Array(this.scratch.length);
    for (let i = 0; i < count; i++) {
      const sub = request.subarray(r);
      const n = this.execute(sub, scratch, true);
      out.set(scratch.subarray(0, n), o);
      o += n;
      r += requestLength(sub);
    }
    return o;
  }
}

/** Length of the command at the start of `request` (for DAP_ExecuteCommands). */
function requestLength(request: Uint8Array): number {
  switch (request[0]) {
    case DapCommand.Info:
    case DapCommand.Connect:
    case DapCommand.SwdConfigure:
      return 2;
    case DapCommand.HostStatus:
    case DapCommand.Delay:
      return 3;
    case DapCommand.TransferConfigure:
    case DapCommand.SwjClock:
      return request[0] === DapCommand.SwjClock ? 5 : 6;
    case DapCommand.WriteAbort:
      return 6;
    case DapCommand.SwjPins:
      return 7;
    case DapCommand.SwjSequence:
      return 2 + Math.ceil((request[1] === 0 ? 256 : request[1]) / 8);
    case DapCommand.Transfer: {
      let r = 3;
      for (let i = 0; i < request[2]; i++) {
        const req = request[r++];
        if ((req & 2) === 0 || (req & 0x10) !== 0) r += 4;
      }
      return r;
    }
    case DapCommand.TransferBlock:
      return 5 + ((request[4] & 2) === 0 ? 4 * (request[2] | (request[3] << 8)) : 0);
    case DapCommand.SwdSequence: {
      let r = 2;
      for (let i = 0; i < request[1]; i++) {
        const info = request[r++];
        if ((info & SWD_SEQUENCE_DIN) === 0) r += Math.ceil((info & SWD_SEQUENCE_CLK || 64) / 8);
      }
      return r;
    }
    case DapCommand.JtagSequence: {
      let r = 2;
      for (let i = 0; i < request[1]; i++) r += 1 + Math.ceil((request[r] & 0x3f || 64) / 8);
      return r;
    }
    case DapCommand.JtagConfigure:
      return 2 + request[1];
    case DapCommand.JtagIdcode:
      return 2;
    default:
      return request[0] >= 0x80 && request[0] <= 0x9f ? daplinkVendorRequestLength(request) : 1;
  }
}
