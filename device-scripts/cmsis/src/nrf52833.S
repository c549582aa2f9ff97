@ WebProg's own CMSIS flash algorithm for the Nordic nRF52833 (512 KiB code flash in 4 KiB
@ pages at 0). Timeouts: page erase 87.5 ms and word write 41 us at most (nRF52833 PS), with margin.
    .include "common.S"
    .include "nrf5x.S"
    algo_common
    nrf_functions
    algo_device "nRF52833 512 KiB Flash", 0x00000000, 0x80000, 0x1000, 0xFF, 200, 500
    algo_sectors 0x1000, 0x0
    algo_sectors_end
