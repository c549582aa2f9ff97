/** Helpers for the RA backend tests and benchmark: a simulated RA chip with the backend on its port. */
import { createSimulatedRaBoard, type RaBoardOptions, type SimulatedRaBoard } from '../../../src/sim/ra';
import { RaBackend, type RaBackendOptions } from './ra-backend';

/** A simulated RA board in boot mode and an RA backend on its port. */
export interface RaRig {
  board: SimulatedRaBoard;
  backend: RaBackend;
}

/** A simulated board (RA4M1 over USB CDC unless `board` says) and a backend on its port. */
export function raRig(board: RaBoardOptions = {}, backend: RaBackendOptions = {}): RaRig {
  const b = createSimulatedRaBoard(board);
  return { board: b, backend: new RaBackend(b.port, backend) };
}
