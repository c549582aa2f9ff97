import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe, installSimulatedUsb } from '../index';

function boards() {
  return {
    v1: createSimulatedMicrobit('v1', { latency: 'zero' }),
    v2: createSimulatedMicrobit('v2', { latency: 'zero' }),
    st: createSimulatedStm32f411Probe({ latency: 'zero' }),
  };
}

describe('simulated navigator.usb', () => {
  it('installs itself as navigator.usb of a scope', () => {
    const scope: { navigator?: object } = { navigator: {} };
    const usb = installSimulatedUsb(scope, []);
    expect((scope.navigator as { usb: unknown }).usb).toBe(usb);
  });

  it('honours filters and exclusion filters, and the chooser decides', async () => {
    const { v1, v2, st } = boards();
    const seen: string[][] = [];
    const usb = installSimulatedUsb({}, [v1.usbDevice, v2.usbDevice, st.usbDevice], {
      choose: (list) => {
        seen.push(list.map((d) => d.serialNumber ?? ''));
        return list.at(-1);
      },
    });
    const picked = await usb.requestDevice({
      filters: [{ vendorId: 0x0d28, productId: 0x0204 }],
      exclusionFilters: [{ serialNumber: st.usbDevice.serialNumber }],
    });
    expect(seen[0]).toEqual([v1.usbDevice.serialNumber, v2.usbDevice.serialNumber]);
    expect(picked).toBe(v2.usbDevice);
    expect(await usb.getDevices()).toEqual([v2.usbDevice]);
    const byClass = await usb.requestDevice({ filters: [{ classCode: 0xff, subclassCode: 0x00 }] });
    expect(byClass).toBe(st.usbDevice); // interfaces with vendor class 0xFF/0x00: V2 and the STM32 probe
  });

  it('rejects with NotFoundError when nothing is chosen, TypeError without filters', async () => {
    const { v2 } = boards();
    const usb = installSimulatedUsb({}, [v2.usbDevice], { choose: () => undefined });
    await expect(usb.requestDevice({ filters: [] })).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(usb.requestDevice(undefined)).rejects.toBeInstanceOf(TypeError);
  });

  it('fires connect and disconnect for granted devices', async () => {
    const { v2 } = boards();
    const usb = installSimulatedUsb({}, [v2.usbDevice], { grantAll: true });
    const events: string[] = [];
    usb.onconnect = (e) => events.push(`on${e.type}`);
    usb.addEventListener('disconnect', (e) => events.push(e.type));
    v2.unplug();
    expect(await usb.getDevices()).toEqual([]);
    v2.plug();
    expect(events).toEqual(['disconnect', 'onconnect']);
    expect(await usb.getDevices()).toEqual([v2.usbDevice]);
  });

  it('describes a DAPLink: identity, interfaces, protected classes', async () => {
    const { v1, v2 } = boards();
    const d = v2.usbDevice;
    expect([d.vendorId, d.productId, d.productName, d.manufacturerName]).toEqual([
      0x0d28,
      0x0204,
      'BBC micro:bit CMSIS-DAP',
      'ARM',
    ]);
    expect(d.serialNumber).toHaveLength(48);
    const classes = d.configuration?.interfaces.map((i) => i.alternates[0].interfaceClass);
    expect(classes).toEqual([0x08, 0x02, 0x0a, 0x03, 0xff, 0xff]);
    const bulk = d.configuration?.interfaces[5].alternates[0].endpoints.map(
      (e) => `${e.direction}${e.endpointNumber}:${e.type}`,
    );
    expect(bulk).toEqual(['out4:bulk', 'in5:bulk']);
    expect(v1.usbDevice.configuration?.interfaces).toHaveLength(5); // DAPLink 0253: no bulk
    await expect(d.claimInterface(0)).rejects.toMatchObject({ name: 'InvalidStateError' });
    await d.open();
    await expect(d.claimInterface(3)).rejects.toMatchObject({ name: 'SecurityError' });
    await d.claimInterface(5);
    expect(d.configuration?.interfaces[5].claimed).toBe(true);
    await expect(d.transferOut(1, new Uint8Array([0]))).rejects.toMatchObject({ name: 'NotFoundError' });
    await d.close();
    expect(d.configuration?.interfaces[5].claimed).toBe(false);
  });
});

describe('boards by name', () => {
  it('gives the same serial number for the same board and options (page and worker twins)', async () => {
    const { createSimulatedBoard, SIMULATED_BOARD_NAMES } = await import('../index');
    for (const name of SIMULATED_BOARD_NAMES) {
      expect(createSimulatedBoard(name).usbDevice.serialNumber).toBe(
        createSimulatedBoard(name).usbDevice.serialNumber,
      );
    }
    expect(createSimulatedBoard('microbit-v1', { deviceId: 42 }).usbDevice.serialNumber).not.toBe(
      createSimulatedBoard('microbit-v1').usbDevice.serialNumber,
    );
  });
});
