/**
 * DAPLink's own CMSIS-DAP vendor commands besides its UART bridge, as `DAP_vendor.c`
 * (`DAP_ProcessVendorCommand`) answers them: 0x80 ID_DAP_GetUniqueID → length and the unique
 * id (no NUL); 0x88 ID_DAP_SetUSBTestMode → 1 for mode 0 or 1, else 0; 0x89
 * ID_DAP_ResetTargetIfNoAutoReset → 1, after resetting the target (auto-reset is off by
 * default); 0x8D ID_DAP_SelectEraseMode → DAP_OK; the vendor ids DAPLink leaves empty
 * (0x85–0x87, 0x8E–0x9F) echo the command id alone. The drag-and-drop stream commands
 * (0x8A–0x8C) and the UART commands (0x81–0x84, see `daplink-uart.ts`) are not handled here.
 */

/** What the vendor commands reach on the probe and target. */
export interface DaplinkVendorContext {
  /** `info_get_unique_id()`: the string DAPLink also reports as its serial number. */
  readonly uniqueId: string;
  /** `target_set_state(RESET_RUN)`: resets the target and lets it run. */
  resetRun(): void;
}

const GET_UNIQUE_ID = 0x80;
const SET_USB_TEST_MODE = 0x88;
const RESET_TARGET_IF_NO_AUTO_RESET = 0x89;
const SELECT_ERASE_MODE = 0x8d;
/** Vendor ids DAPLink's switch lists without doing anything (`case ID_DAP_VendorN: break;`). */
const EMPTY = new Set([0x85, 0x86, 0x87, ...Array.from({ length: 0x9f - 0x8e + 1 }, (_, i) => 0x8e + i)]);

/**
 * Handles `request` (a vendor command, 0x80–0x9F) into `out`; returns the response length, or
 * undefined for a command this model does not cover.
 */
export function daplinkVendorCommand(
  request: Uint8Array,
  out: Uint8Array,
  context: DaplinkVendorContext,
): number | undefined {
  const command = request[0];
  out[0] = command;
  switch (command) {
    case GET_UNIQUE_ID: {
      const id = new TextEncoder().encode(context.uniqueId);
      out[1] = id.length;
      out.set(id, 2);
      return 2 + id.length;
    }
    case SET_USB_TEST_MODE:
      out[1] = request[1] <= 1 ? 1 : 0;
      return 2;
    case RESET_TARGET_IF_NO_AUTO_RESET:
      context.resetRun();
      out[1] = 1;
      return 2;
    case SELECT_ERASE_MODE:
      out[1] = 0x00;
      return 2;
    default:
      return EMPTY.has(command) ? 1 : undefined;
  }
}

/** Request length of a DAPLink vendor command (for DAP_ExecuteCommands), as `DAP_vendor.c` counts it. */
export function daplinkVendorRequestLength(request: Uint8Array): number {
  switch (request[0]) {
    case 0x82: // UART set configuration: baud u32
      return 5;
    case 0x84: // UART write: count, bytes
    case 0x8c: // MSD write: count, bytes
      return 2 + request[1];
    case SET_USB_TEST_MODE:
    case 0x8a: // MSD open: stream type
    case SELECT_ERASE_MODE:
      return 2;
    default:
      return 1;
  }
}
