/**
 * A yes/no question waiting for the person before a step that writes to a device: the asker
 * awaits the answer, a dialog shows the question and answers it. The workflow, the chip
 * workbench and the RL78 security options each hold one.
 */

/** The question waiting for an answer. */
export interface Confirmation {
  /** The question. */
  message: string;
  /** Answers it. */
  answer(ok: boolean): void;
}

/** At most one question waiting for a yes or no. */
export class PendingConfirmation {
  /** The question waiting for an answer, if any. */
  current = $state.raw<Confirmation | undefined>();

  /**
   * Shows `message` and resolves with the answer (true: yes). A question still waiting is
   * declined first, so no asker is left waiting for ever.
   */
  ask(message: string): Promise<boolean> {
    this.answer(false);
    return new Promise((resolve) => {
      this.current = {
        message,
        answer: (ok) => {
          this.current = undefined;
          resolve(ok);
        },
      };
    });
  }

  /** Answers the waiting question (nothing when none waits). */
  answer(ok: boolean): void {
    this.current?.answer(ok);
  }
}
