/**
 * Questions the micro:bit project asks the person ("Confirm replace project", "Change
 * files?"): the state holds one open question; the panel shows it as a dialog and answers it.
 * Tests answer it the same way.
 */

/** One answer a question offers. */
export interface QuestionChoice {
  /** Stable id returned by {@link Questions.ask}. */
  id: string;
  /** Button text. */
  label: string;
  /** True for the suggested answer (focused, styled as primary). */
  primary?: boolean;
  /** True for answers that remove or replace work. */
  destructive?: boolean;
}

/** A question shown as a dialog. */
export interface Question {
  /** Dialog title. */
  title: string;
  /** The question in full. */
  message: string;
  /** Answers besides "Cancel", which every question has. */
  choices: readonly QuestionChoice[];
}

/** The open question and how it is answered. */
export class Questions {
  /** The question waiting for an answer, if any. */
  current = $state.raw<Question | undefined>();
  private resolve: ((choice: string | undefined) => void) | undefined;

  /**
   * Shows `question` and resolves with the chosen id, or undefined for "Cancel". A question
   * still open is cancelled first.
   */
  ask(question: Question): Promise<string | undefined> {
    this.answer(undefined);
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.current = question;
    });
  }

  /** Answers the open question (undefined = Cancel). */
  answer(choice: string | undefined): void {
    const resolve = this.resolve;
    this.resolve = undefined;
    this.current = undefined;
    resolve?.(choice);
  }
}
