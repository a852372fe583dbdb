// Errors are shown with the action that fixes them: a notification with buttons, and the same buttons in the panel.
import * as vscode from 'vscode';
import { ACTION_LABELS, type PanelCommand } from '../../shared/panelProtocol';
import { log } from './log';

/** A failure the user can act on: `actions` name the panel commands that fix it. */
export class ActionableError extends Error {
  constructor(
    message: string,
    readonly actions: PanelCommand[],
  ) {
    super(message);
    this.name = 'ActionableError';
  }
}

/**
 * Logs the error and shows it as a notification with its fix actions; `perform` runs the one the user clicks.
 * Does not wait for the click (a notification may stay open indefinitely).
 */
export function notifyError(error: ActionableError, perform: (action: PanelCommand) => void): void {
  log.error(error.message);
  const labels = error.actions.map((a) => ACTION_LABELS[a]);
  void vscode.window.showErrorMessage(`AugLens: ${error.message}`, ...labels).then((picked) => {
    const action = error.actions.find((a) => ACTION_LABELS[a] === picked);
    if (action) perform(action);
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
