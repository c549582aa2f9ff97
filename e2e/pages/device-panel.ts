/** Page object for the device panel: adding (simulated) devices and reading their identity. */
import { expect, type Locator, type Page } from '@playwright/test';

/** Simulated device kinds the chooser offers. */
export type SimKind =
  | 'microbit-v1'
  | 'microbit-v2'
  | 'stm32f411'
  | 'nrf52840-dk'
  | 'bluepill'
  | 'esp32'
  | 'esp32s3'
  | 'esp32c3'
  | 'esp32s3-usb'
  | 'ra4m1'
  | 'ra4m1-uart'
  | 'uno-r4-wifi'
  | 'ra4m2'
  | 'stm32g071'
  | 'arduino-zero'
  | 'rl78-g13'
  | 'rl78-g14';

/** The device panel as a person sees it. */
export class DevicePanelPage {
  constructor(readonly page: Page) {}

  /** The panel. */
  get panel(): Locator {
    return this.page.getByTestId('device-panel');
  }

  /** Every listed device. */
  get items(): Locator {
    return this.page.getByTestId('device-item');
  }

  /** The selected device's entry. */
  get selected(): Locator {
    return this.page.locator('[data-testid="device-item"]:has(button[aria-current="true"])');
  }

  /** Opens "Add simulated device…", picks `kind` and waits until it is connected. */
  /** Plugs in a simulated board and waits until the device panel has connected it. */
  async addConnected(kind: SimKind): Promise<Locator> {
    const board = await this.addSimulated(kind);
    await expect(board).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
    return board;
  }

  async addSimulated(kind: SimKind): Promise<Locator> {
    const before = await this.items.count();
    await this.page.getByTestId('add-simulated').click();
    await this.page.getByTestId('sim-dialog').waitFor();
    await this.page.getByTestId(`sim-choice-${kind}`).click();
    const added = this.items.nth(before);
    await added.waitFor();
    return added;
  }

  /** One identity value of the selected device (`probe`, `firmware`, `serial`, `board`, `name`, `chip`, `flash`). */
  identity(key: string): Locator {
    return this.selected.getByTestId(`identity-${key}`);
  }

  /** Pulls the simulated USB cable of the selected device. */
  async unplugSelected(): Promise<void> {
    await this.selected.getByTestId('device-unplug').click();
  }

  /** The panel's message (chooser cancelled, board unplugged…). */
  get notice(): Locator {
    return this.page.getByTestId('device-notice');
  }
}
