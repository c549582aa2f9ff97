-- https://kuraga.tech/docs/MultiProg/scripts/api/log ("The [script] prefix"), the calls of its example, verbatim.
mp.log.info("connecting...")
mp.log.warn("retrying...")
