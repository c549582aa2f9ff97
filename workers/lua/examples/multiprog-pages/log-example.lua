-- https://kuraga.tech/docs/MultiProg/scripts/api/log ("Example"), verbatim.
mp.log.info("starting flash")
mp.log.success("verify ok")
mp.log.warn("checksum mismatch on block 7")
mp.log.error("write failed: timeout")
mp.log.infof("blocks=%d, bytes=%d", count, size)
