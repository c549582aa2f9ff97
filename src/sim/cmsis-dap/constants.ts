/** CMSIS-DAP command ids, DAP_Info ids and status values (CMSIS-DAP command reference). */

/** Command ids. */
export const DapCommand = {
  Info: 0x00,
  HostStatus: 0x01,
  Connect: 0x02,
  Disconnect: 0x03,
  TransferConfigure: 0x04,
  Transfer: 0x05,
  TransferBlock: 0x06,
  TransferAbort: 0x07,
  WriteAbort: 0x08,
  Delay: 0x09,
  ResetTarget: 0x0a,
  SwjPins: 0x10,
  SwjClock: 0x11,
  SwjSequence: 0x12,
  SwdConfigure: 0x13,
  JtagSequence: 0x14,
  JtagConfigure: 0x15,
  JtagIdcode: 0x16,
  SwoTransport: 0x17,
  SwoMode: 0x18,
  SwoBaudrate: 0x19,
  SwoControl: 0x1a,
  SwoStatus: 0x1b,
  SwoData: 0x1c,
  SwdSequence: 0x1d,
  SwoExtendedStatus: 0x1e,
  ExecuteCommands: 0x7f,
  Invalid: 0xff,
} as const;

/** DAP_Info ids. */
export const DapInfo = {
  Vendor: 0x01,
  Product: 0x02,
  SerialNumber: 0x03,
  ProtocolVersion: 0x04,
  TargetDeviceVendor: 0x05,
  TargetDeviceName: 0x06,
  TargetBoardVendor: 0x07,
  TargetBoardName: 0x08,
  FirmwareVersion: 0x09,
  Capabilities: 0xf0,
  TimestampClock: 0xf1,
  UartRxBufferSize: 0xfb,
  UartTxBufferSize: 0xfc,
  SwoBufferSize: 0xfd,
  PacketCount: 0xfe,
  PacketSize: 0xff,
} as const;

/** Status byte values. */
export const DAP_OK = 0x00;
export const DAP_ERROR = 0xff;

/** DAP_Transfer request bits beyond APnDP/RnW/A[3:2]. */
export const TRANSFER_MATCH_VALUE = 1 << 4;
export const TRANSFER_MATCH_MASK = 1 << 5;
/** DAP_Transfer response bit for a value mismatch. */
export const TRANSFER_MISMATCH = 1 << 4;
/** DP RDBUFF read request (A[3:2] = 0b11, RnW). */
export const DP_RDBUFF_READ = 0x0c | 0x02;
/** DP ABORT write request. */
export const DP_ABORT_WRITE = 0x00;
