/** Helpers for the RL78 backend tests: a simulated RL78 board with the backend on its port. */
import {
  createSimulatedRl78Board,
  type Rl78BoardOptions,
  type SimulatedRl78Board,
} from '../../../src/sim/rl78';
import { Rl78Backend, type Rl78BackendOptions } from './rl78-backend';

/** A simulated RL78 board and an RL78 backend on its port. */
export interface Rl78Rig {
  sim: SimulatedRl78Board;
  rl78: Rl78Backend;
}

/**
 * A simulated board (R5F100LE unless `board` says) and a backend wired as the board is (its
 * wiring and reset line), with a 300 ms reply timeout unless `backend` says otherwise.
 */
export function rl78Rig(board: Rl78BoardOptions = {}, backend: Rl78BackendOptions = {}): Rl78Rig {
  const sim = createSimulatedRl78Board(board);
  const rl78 = new Rl78Backend(sim.port, {
    timeoutMs: 300,
    wiring: board.wiring,
    reset: board.reset,
    ...backend,
  });
  return { sim, rl78 };
}
