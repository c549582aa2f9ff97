@ WebProg's own CMSIS flash algorithm for the Nordic nRF51822 (256 KiB code flash in 1 KiB
@ pages at 0). Timeouts: page erase 22.3 ms and word write 46 us at most (nRF51 PS), with margin.
    .include "common.S"
    .include "nrf5x.S"
    algo_common
    nrf_functions
    algo_device "nRF51822 256 KiB Flash", 0x00000000, 0x40000, 0x400, 0xFF, 100, 500
    algo_sectors 0x400, 0x0
    algo_sectors_end
