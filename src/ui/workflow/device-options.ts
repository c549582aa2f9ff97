/**
 * The options panel each kind of device adds to the Flash flow, by device type. A new backend
 * adds its entry here (and its `DeviceFlow` in the app state); the flow itself stays the same.
 */
import type { Component } from 'svelte';
import EspOptions from '../esp/EspOptions.svelte';
import RaOptions from '../ra/RaOptions.svelte';

/** Options components by `DeviceSummary.type`. */
export const DEVICE_OPTIONS: Readonly<Record<string, Component>> = {
  esp: EspOptions,
  ra: RaOptions,
};
