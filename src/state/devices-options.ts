/**
 * Page options that change how devices are found, read from the page URL's query:
 * `?sim` turns on simulated devices (the device chooser offers them), `simLatency=zero` makes
 * them run as fast as possible instead of modelling USB round trips and flash times.
 */

/** How simulated devices model time. */
export type SimulatedLatency = 'realistic' | 'zero';

/** What the URL asks of the device panel. */
export interface DeviceOptions {
  /** True when the page was opened with `?sim`. */
  simulation: boolean;
  /** Latency model of the simulated devices plugged from the panel. */
  simLatency: SimulatedLatency;
}

/**
 * Reads the device options from a URL or a query string (`?sim&simLatency=zero`). `sim`
 * counts when present with no value or any value except `0`/`false`/`off`.
 */
export function parseDeviceOptions(urlOrQuery: string | undefined): DeviceOptions {
  const query = urlOrQuery?.includes('?') ? urlOrQuery.slice(urlOrQuery.indexOf('?')) : (urlOrQuery ?? '');
  const params = new URLSearchParams(query.split('#')[0]);
  const sim = params.get('sim');
  const simulation = sim !== null && !/^(0|false|off|no)$/i.test(sim);
  const simLatency: SimulatedLatency = params.get('simLatency') === 'zero' ? 'zero' : 'realistic';
  return { simulation, simLatency };
}
