/**
 * DAP_Transfer and DAP_TransferBlock for SWD, packet for packet as CMSIS-DAP firmware runs
 * them: posted AP reads collected with the next AP read or an RDBUFF read, WAIT retried up to
 * the configured count, value-match reads repeated up to the match-retry count, a final
 * RDBUFF read to check the last write, and the count of completed transfers in the reply.
 * Algorithm re-implemented from Arm's CMSIS-DAP firmware `DAP.c` (DAP_SWD_Transfer,
 * DAP_SWD_TransferBlock; Apache-2.0), github.com/ARM-software/CMSIS-DAP.
 */
import { ACK, REQ } from '../adi/swd-wire';
import { DP_RDBUFF_READ, TRANSFER_MATCH_MASK, TRANSFER_MATCH_VALUE, TRANSFER_MISMATCH } from './constants';

/** Transfer settings (DAP_TransferConfigure) and the link that performs one SWD packet. */
export interface TransferEngine {
  waitRetry: number;
  matchRetry: number;
  matchMask: number;
  /** One SWD packet (with its wire time); returns the ACK, read data in `readData`. */
  swd(request: number, data: number): number;
  readonly readData: number;
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/** Appends a little-endian word to `out` at `at`; returns the next offset. */
function writeU32(out: Uint8Array, at: number, value: number): number {
  out[at] = value;
  out[at + 1] = value >>> 8;
  out[at + 2] = value >>> 16;
  out[at + 3] = value >>> 24;
  return at + 4;
}

/** One SWD packet, repeated while it answers WAIT (up to `waitRetry` more times). */
function retried(engine: TransferEngine, request: number, data: number): number {
  let retry = engine.waitRetry;
  let ack: number;
  do {
    ack = engine.swd(request, data);
  } while (ack === ACK.WAIT && retry-- > 0);
  return ack;
}

/**
 * DAP_Transfer: `request` starts after the command byte (DAP index, count, transfers…);
 * writes the reply after the command byte into `out` and returns its length.
 */
export function dapTransfer(engine: TransferEngine, request: Uint8Array, out: Uint8Array): number {
  let r = 1; // DAP index ignored for SWD
  let count = request[r++];
  let responseCount = 0;
  let responseValue = 0;
  let o = 2;
  let postRead = false;
  let checkWrite = false;
  while (count-- > 0) {
    const req = request[r++];
    if ((req & REQ.RnW) !== 0) {
      if (postRead) {
        if ((req & (REQ.APnDP | TRANSFER_MATCH_VALUE)) === REQ.APnDP) {
          responseValue = retried(engine, req, 0); // read previous data, post the next read
        } else {
          responseValue = retried(engine, DP_RDBUFF_READ, 0);
          postRead = false;
        }
        if (responseValue !== ACK.OK) break;
        o = writeU32(out, o, engine.readData);
      }
      if ((req & TRANSFER_MATCH_VALUE) !== 0) {
        const matchValue = readU32(request, r);
        r += 4;
        let matchRetry = engine.matchRetry;
        if ((req & REQ.APnDP) !== 0) {
          responseValue = retried(engine, req, 0);
          if (responseValue !== ACK.OK) break;
        }
        let data = 0;
        do {
          responseValue = retried(engine, req, 0);
          if (responseValue !== ACK.OK) break;
          data = engine.readData;
        } while ((data & engine.matchMask) >>> 0 !== matchValue && matchRetry-- > 0);
        if ((data & engine.matchMask) >>> 0 !== matchValue) responseValue |= TRANSFER_MISMATCH;
        if (responseValue !== ACK.OK) break;
      } else if ((req & REQ.APnDP) !== 0) {
        if (!postRead) {
          responseValue = retried(engine, req, 0);
          if (responseValue !== ACK.OK) break;
          postRead = true;
        }
      } else {
        responseValue = retried(engine, req, 0);
        if (responseValue !== ACK.OK) break;
        o = writeU32(out, o, engine.readData);
      }
      checkWrite = false;
    } else {
      if (postRead) {
        responseValue = retried(engine, DP_RDBUFF_READ, 0);
        if (responseValue !== ACK.OK) break;
        o = writeU32(out, o, engine.readData);
        postRead = false;
      }
      const data = readU32(request, r);
      r += 4;
      if ((req & TRANSFER_MATCH_MASK) !== 0) {
        engine.matchMask = data;
        responseValue = ACK.OK;
      } else {
        responseValue = retried(engine, req, data);
        if (responseValue !== ACK.OK) break;
        checkWrite = true;
      }
    }
    responseCount++;
  }
  if (responseValue === ACK.OK) {
    if (postRead) {
      responseValue = retried(engine, DP_RDBUFF_READ, 0);
      if (responseValue === ACK.OK) o = writeU32(out, o, engine.readData);
    } else if (checkWrite) {
      responseValue = retried(engine, DP_RDBUFF_READ, 0);
    }
  }
  out[0] = responseCount;
  out[1] = responseValue;
  return o;
}

/**
 * DAP_TransferBlock: `request` starts after the command byte (DAP index, count u16, request,
 * data…); writes the reply after the command byte into `out` and returns its length.
 */
export function dapTransferBlock(engine: TransferEngine, request: Uint8Array, out: Uint8Array): number {
  let count = request[1] | (request[2] << 8);
  let responseCount = 0;
  let responseValue = 0;
  let o = 3;
  let r = 4;
  if (count > 0) {
    let req = request[3];
    if ((req & REQ.RnW) !== 0) {
      let ok = true;
      if ((req & REQ.APnDP) !== 0) {
        responseValue = retried(engine, req, 0); // post the first AP read
        ok = responseValue === ACK.OK;
      }
      while (ok && count-- > 0) {
        if (count === 0 && (req & REQ.APnDP) !== 0) req = DP_RDBUFF_READ; // last AP read
        responseValue = retried(engine, req, 0);
        if (responseValue !== ACK.OK) break;
        o = writeU32(out, o, engine.readData);
        responseCount++;
      }
    } else {
      let ok = true;
      while (count-- > 0) {
        responseValue = retried(engine, req, readU32(request, r));
        r += 4;
        if (responseValue !== ACK.OK) {
          ok = false;
          break;
        }
        responseCount++;
      }
      if (ok) responseValue = retried(engine, DP_RDBUFF_READ, 0); // check the last write
    }
  }
  out[0] = responseCount;
  out[1] = responseCount >>> 8;
  out[2] = responseValue;
  return o;
}
