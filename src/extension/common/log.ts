// The "AugLens" output channel: the engine's log, each run's parameters and its text summary, and every error.
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function outputChannel(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('AugLens', { log: true });
  return channel;
}

export const log = {
  info: (message: string) => outputChannel().info(message),
  warn: (message: string) => outputChannel().warn(message),
  error: (message: string) => outputChannel().error(message),
};

export function showLog(): void {
  outputChannel().show(true);
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
