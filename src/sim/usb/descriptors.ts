/**
 * USB descriptors of DAPLink probes as WebUSB exposes them (configuration 1, its interfaces,
 * alternates and endpoints). micro:bit DAPLink 0257+: MSC, CDC (2 interfaces), HID, the
 * endpoint-less "WebUSB" vendor interface, and the bulk CMSIS-DAP v2 vendor interface
 * (2 × 64-byte bulk endpoints). Firmware 0249–0253 (micro:bit V1) has no bulk interface: the
 * host talks HID reports over EP0 control transfers. Source: reference notes
 * cmsis-dap-and-adiv5.md §1 and §8.
 */

/** One interface of the configuration. */
export interface InterfaceSpec {
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  name: string | null;
  endpoints: USBEndpoint[];
}

/** Bulk endpoint numbers of the CMSIS-DAP v2 interface. */
export const BULK_OUT_ENDPOINT = 4;
export const BULK_IN_ENDPOINT = 5;

/** WebUSB protected interface classes (claimInterface fails with SecurityError). */
export const PROTECTED_CLASSES: ReadonlySet<number> = new Set([0x01, 0x03, 0x08, 0x0b, 0x0e, 0x10, 0xe0]);

const endpoint = (
  endpointNumber: number,
  direction: USBDirection,
  type: USBEndpointType,
  packetSize = 64,
): USBEndpoint => ({
  endpointNumber,
  direction,
  type,
  packetSize,
});

/** The interfaces of a DAPLink composite device, with or without the bulk CMSIS-DAP v2 interface. */
export function daplinkInterfaces(bulk: boolean): InterfaceSpec[] {
  const interfaces: InterfaceSpec[] = [
    {
      interfaceClass: 0x08,
      interfaceSubclass: 0x06,
      interfaceProtocol: 0x50,
      name: 'USB_MSC',
      endpoints: [endpoint(1, 'in', 'bulk'), endpoint(1, 'out', 'bulk')],
    },
    {
      interfaceClass: 0x02,
      interfaceSubclass: 0x02,
      interfaceProtocol: 0x01,
      name: 'mbed Serial Port',
      endpoints: [endpoint(2, 'in', 'interrupt', 16)],
    },
    {
      interfaceClass: 0x0a,
      interfaceSubclass: 0x00,
      interfaceProtocol: 0x00,
      name: 'mbed Serial Port',
      endpoints: [endpoint(3, 'out', 'bulk'), endpoint(3, 'in', 'bulk')],
    },
    {
      interfaceClass: 0x03,
      interfaceSubclass: 0x00,
      interfaceProtocol: 0x00,
      name: 'CMSIS-DAP v1',
      endpoints: [endpoint(4, 'in', 'interrupt'), endpoint(4, 'out', 'interrupt')],
    },
    {
      interfaceClass: 0xff,
      interfaceSubclass: 0x03,
      interfaceProtocol: 0x00,
      name: 'WebUSB: CMSIS-DAP',
      endpoints: [],
    },
  ];
  if (bulk) {
    interfaces[3].endpoints = [endpoint(6, 'in', 'interrupt'), endpoint(6, 'out', 'interrupt')];
    interfaces.push({
      interfaceClass: 0xff,
      interfaceSubclass: 0x00,
      interfaceProtocol: 0x00,
      name: 'CMSIS-DAP v2',
      endpoints: [endpoint(BULK_OUT_ENDPOINT, 'out', 'bulk'), endpoint(BULK_IN_ENDPOINT, 'in', 'bulk')],
    });
  }
  return interfaces;
}

/** Builds WebUSB's configuration object; `claimed(n)` reports an interface's claim state live. */
export function buildConfiguration(
  specs: readonly InterfaceSpec[],
  claimed: (n: number) => boolean,
): USBConfiguration {
  const interfaces = specs.map((spec, interfaceNumber) => {
    const alternate: USBAlternateInterface = {
      alternateSetting: 0,
      interfaceClass: spec.interfaceClass,
      interfaceSubclass: spec.interfaceSubclass,
      interfaceProtocol: spec.interfaceProtocol,
      interfaceName: spec.name,
      endpoints: spec.endpoints,
    };
    return {
      interfaceNumber,
      alternate,
      alternates: [alternate],
      get claimed() {
        return claimed(interfaceNumber);
      },
    } as USBInterface;
  });
  return { configurationValue: 1, configurationName: null, interfaces };
}
