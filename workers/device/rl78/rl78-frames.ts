/**
 * RL78 serial programming frames as the host builds and reads them (R01AN0815, "RL78 Protocol
 * A"): command frames `SOH LEN COM data SUM ETX`, data frames `STX LEN data SUM ETB|ETX`, the
 * two's-complement SUM, 24-bit little-endian addresses, and the status codes with what each
 * means for a person.
 */
import { WebProgError, formatAddress, type ErrorCode } from '../../../src/core/errors';

/** Start of a command frame. */
export const SOH = 0x01;
/** Start of a data or status frame. */
export const STX = 0x02;
/** End of a command frame or of the last data frame. */
export const ETX = 0x03;
/** End of a data frame that another follows. */
export const ETB = 0x17;

/** Command codes. */
export const Rl78Command = {
  reset: 0x00,
  verify: 0x13,
  blockErase: 0x22,
  blockBlankCheck: 0x32,
  programming: 0x40,
  baudRateSet: 0x9a,
  securitySet: 0xa0,
  securityGet: 0xa1,
  securityRelease: 0xa2,
  checksum: 0xb0,
  siliconSignature: 0xc0,
} as const;

/** Status codes. */
export const Rl78Status = {
  commandNumberError: 0x04,
  parameterError: 0x05,
  ack: 0x06,
  checksumError: 0x07,
  verifyError: 0x0f,
  protectError: 0x10,
  nack: 0x15,
  eraseError: 0x1a,
  blankError: 0x1b,
  writeError: 0x1c,
} as const;

const STATUS_TEXT: Record<number, string> = {
  0x04: 'command number error (the chip does not know this command)',
  0x05: 'parameter error (address range or value not accepted)',
  0x07: 'checksum error (the frame was garbled on the wire)',
  0x0f: 'verify error (the flash differs from the data)',
  0x10: 'protect error (the chip’s security settings prohibit this)',
  0x15: 'NACK',
  0x1a: 'erase error',
  0x1b: 'internal verify / blank check error',
  0x1c: 'write error',
};

/** A person's words for a status code. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? `unknown status 0x${status.toString(16).padStart(2, '0')}`;
}

/** Baud Rate Set's rate codes (index = code). */
export const RL78_BAUD_RATES: readonly number[] = [115_200, 250_000, 500_000, 1_000_000];

/** Two's complement of the byte sum (the SUM field). */
export function rl78FrameSum(bytes: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum - bytes[i]) & 0xff;
  return sum;
}

/** A command frame. */
export function commandFrame(command: number, data: ArrayLike<number> = []): Uint8Array {
  const out = new Uint8Array(data.length + 5);
  out[0] = SOH;
  out[1] = (data.length + 1) & 0xff;
  out[2] = command;
  out.set(Array.from(data), 3);
  out[data.length + 3] = rl78FrameSum(out.subarray(1, data.length + 3));
  out[data.length + 4] = ETX;
  return out;
}

/** A data frame of 1–256 bytes; `last` ends it with ETX instead of ETB. */
export function dataFrame(data: Uint8Array, last: boolean): Uint8Array {
  const out = new Uint8Array(data.length + 4);
  out[0] = STX;
  out[1] = data.length & 0xff;
  out.set(data, 2);
  out[data.length + 2] = rl78FrameSum(out.subarray(1, data.length + 2));
  out[data.length + 3] = last ? ETX : ETB;
  return out;
}

/** A 24-bit little-endian address. */
export function address24(address: number): number[] {
  return [address & 0xff, (address >> 8) & 0xff, (address >> 16) & 0xff];
}

/** The error for a status other than ACK, naming the command and address. */
export function statusError(status: number, what: string, address?: number): WebProgError {
  const code: ErrorCode =
    status === Rl78Status.protectError
      ? 'DEVICE_LOCKED'
      : status === Rl78Status.verifyError
        ? 'VERIFY_FAILED'
        : status === Rl78Status.eraseError
          ? 'FLASH_ERASE_FAILED'
          : status === Rl78Status.writeError || status === Rl78Status.blankError
            ? 'FLASH_WRITE_FAILED'
            : 'DEVICE_PROTOCOL';
  const where = address === undefined ? '' : ` at ${formatAddress(address)}`;
  const advice =
    status === Rl78Status.protectError
      ? ' Security Get shows which prohibitions are set; boot cluster and block erase prohibitions cannot be lifted over the serial interface.'
      : '';
  return new WebProgError(code, `${what}${where}: the RL78 answered ${statusText(status)}.${advice}`, {
    address,
  });
}
