// Which panel actions fix an engine error, read from its message (the engine names the cause in words).
// Pure: no vscode.
import type { PanelCommand } from '../../shared/panelProtocol';

const RULES: readonly [RegExp, PanelCommand[]][] = [
  [/cannot read the image|not a PNG or JPEG|images need 1 or 3 channels/i, ['pickImages', 'showLog']],
  [/crop size|larger than the (input )?image|unknown transform|unsupported transform|policy/i, ['editPolicy', 'showLog']],
  [/forward-pass budget|threads|out of memory|ended unexpectedly|failed to start|stopped responding/i, ['openSettings', 'showLog']],
];

export function actionsForEngineError(message: string): PanelCommand[] {
  return RULES.find(([pattern]) => pattern.test(message))?.[1] ?? ['showLog'];
}
