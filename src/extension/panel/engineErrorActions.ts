// Which panel actions fix a failed engine request, by the error's code. Pure: no vscode.
import { EngineError, type EngineErrorCode } from '../../engine/contract/engineErrors';
import type { PanelCommand } from '../../shared/panelProtocol';

export function actionsForEngineError(code: EngineErrorCode): PanelCommand[] {
  switch (code) {
    case 'image':
      return ['pickImages', 'showLog'];
    case 'policy':
      return ['editPolicy', 'showLog'];
    case 'budget':
    case 'out-of-memory':
    case 'engine-start':
    case 'engine-exit':
    case 'engine-silent':
      return ['openSettings', 'showLog'];
    case 'cancelled':
      return [];
    case 'model':
    case 'request':
    case 'protocol':
    case 'internal':
      return ['showLog'];
  }
}

/** The actions for any failure of a run: an engine error's by its code, else the log. */
export function actionsForFailure(error: unknown): PanelCommand[] {
  return error instanceof EngineError ? actionsForEngineError(error.code) : ['showLog'];
}
