/** `webprog --help` and each command's help. */

/** The overview. */
export const USAGE = `webprog — flash and script microcontrollers from the command line (the WebProg engine)

Usage: webprog <command> [options]

Commands:
  list                          probes and serial boards with their ids and names
  info                          the chip, its memory regions and the programmer
  flash <file>                  program a file (skips unchanged blocks, verifies)
  verify <file>                 compare the chip with a file
  read <out>                    read the chip into a file (.hex, .srec, .uf2, .bin)
  erase                         erase the chip
  blank-check                   check the flash is erased
  checksums                     the chip's own checksum of every block
  run <script.lua> [-- args]    run a Lua script with the mp.* API
  classroom <file>              flash many boards at once, a line and a CSV row per board

Options for every command:
  --probe <id>      choose a probe: device id, USB serial (or its start), VID:PID or micro:bit name
  --port <path>     choose a serial board by its port, e.g. /dev/ttyUSB0
  --chip <name>     the chip's device script (e.g. nRF52833) when identification finds none
  --target <file>   chip support to use: a device script (.swds), a CMSIS flash algorithm
                    (.FLM), a CMSIS-Pack (.pack; --chip names the device) or a probe-rs target
                    description (.yaml; --chip names the variant when it has several)
  --json            one JSON object per line (progress events, results, errors)
  --sim <board>     work on a simulated board instead of hardware (repeat for several):
                    microbit-v1, microbit-v2, stm32f411, nrf52840-dk, bluepill,
                    stm32g071, arduino-zero, esp32, esp32s3, esp32c3, esp32s3-usb,
                    ra4m1, ra4m1-uart, ra4m2
  --sim-latency realistic|zero   simulated timing (default realistic)
  --sim-fault <fault>           make the first simulated probe fail on purpose:
                                unplug-at-transfer:<n>, flash-error, lose-swd-sync
  -h, --help        help; "webprog <command> --help" for a command

Exit codes: 0 done, 1 the operation failed, 2 usage, 3 no device, 4 device lost.
`;

/** Each command's help. */
export const COMMAND_HELP: Record<string, string> = {
  list: `webprog list [--sim <board>…] [--json]

Lists the CMSIS-DAP probes (micro:bit DAPLink and others) and USB serial boards present, with
the id to give --probe, the USB serial number and a micro:bit's friendly name.`,
  info: `webprog info [--probe <id> | --port <path>]

Connects, identifies the chip and prints its name, memory regions and the programmer.`,
  flash: `webprog flash <file> [--base <address>] [--verify] [--erase chip|blocks] [--no-skip]

Programs a file: Intel Hex, Universal Hex (the part for the connected micro:bit), S-records,
UF2, ELF, or a .bin at --base (default 0). By default blocks that already hold the data are
skipped and the result is verified. --erase chip (or --no-skip) erases the whole chip first
and writes everything; --erase blocks erases the main flash block by block first; --verify
then verifies.`,
  verify: `webprog verify <file>

Compares the chip with the file; exit code 1 and the first differing address when they differ.`,
  read: `webprog read <out> [--region <name> | --range <address>:<size>]

Reads the chip's flash (or one region, or a range) into a file; the extension picks the format:
.hex, .srec/.s19/.s28/.s37, .uf2, anything else a binary.`,
  erase: `webprog erase [--erase blocks [--region <name>]]

Erases the chip (mass erase where the chip has one); with --erase blocks, the main flash (or
--region) block by block, leaving the other regions as they are.`,
  'blank-check': `webprog blank-check [--region <name>]

Checks the main flash (or --region) is erased; exit code 1 names the first block that is not.`,
  checksums: `webprog checksums

Prints the chip's own checksum of every flash block (CRC-32 on Cortex-M, MD5 prefix on ESP).`,
  run: `webprog run <script.lua> [--allow-writes] [--yes] [-- args…]

Runs a Lua script with WebProg's mp.* API (MultiProg-compatible) on the chosen programmer. The
current folder is the script's workspace: mp.file opens its files by name and saved files are
written there, and the run's log lines are appended to today's log there, webprog-YYYY-MM-DD.log
(mp.app.log_path()). mp.app.args() returns the words after --. --allow-writes starts the run with
hardware writes allowed (mp.app.allow_hw_writes); --yes answers yes to the script's questions.`,
  classroom: `webprog classroom <file> (--all | --probe <id>…) [--csv <out.csv>]

Flashes every board (or each --probe) at once; prints a line per board as it finishes and
writes the results to a CSV (default classroom-results.csv). Exit code 1 if any board failed.`,
};
