// Messages between the extension host and the stability panel webview: one discriminated union per direction.
// Both sides validate what they receive; the host treats everything from the webview as untrusted input.

export type StatusLevel = 'info' | 'busy' | 'error';

export interface PanelStatus {
  level: StatusLevel;
  text: string;
}

//#region host -> webview

/** The model this panel is about; sent in reply to `ready`. */
export interface ShowModelMessage {
  type: 'showModel';
  model: { fileName: string; uri: string };
  status: PanelStatus;
}

/** Replaces the status line. */
export interface SetStatusMessage {
  type: 'setStatus';
  status: PanelStatus;
}

export type HostToWebviewMessage = ShowModelMessage | SetStatusMessage;

//#endregion

//#region webview -> host

/** The webview script has loaded and listens for messages. */
export interface ReadyMessage {
  type: 'ready';
}

/** Acknowledges a host message by reporting what the webview now shows, as read back from its DOM. */
export interface RenderedMessage {
  type: 'rendered';
  modelName: string;
  statusText: string;
}

export type WebviewToHostMessage = ReadyMessage | RenderedMessage;

//#endregion

/** Longest string accepted in a message; longer ones are rejected rather than truncated. */
export const MAX_TEXT_LENGTH = 4096;

const STATUS_LEVELS: readonly StatusLevel[] = ['info', 'busy', 'error'];

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH;
}

function hasOnlyKeys(value: Fields, keys: readonly string[]): boolean {
  return Object.keys(value).every((k) => keys.includes(k));
}

function parseStatus(value: unknown): PanelStatus | undefined {
  if (!isFields(value) || !hasOnlyKeys(value, ['level', 'text'])) return undefined;
  const { level, text } = value;
  if (!STATUS_LEVELS.includes(level as StatusLevel) || !isText(text)) return undefined;
  return { level: level as StatusLevel, text };
}

/** Returns the message if `value` is a well-formed webview -> host message, else undefined. */
export function parseWebviewMessage(value: unknown): WebviewToHostMessage | undefined {
  if (!isFields(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return hasOnlyKeys(value, ['type']) ? { type: 'ready' } : undefined;
    case 'rendered': {
      const { modelName, statusText } = value;
      if (!hasOnlyKeys(value, ['type', 'modelName', 'statusText']) || !isText(modelName) || !isText(statusText)) {
        return undefined;
      }
      return { type: 'rendered', modelName, statusText };
    }
    default:
      return undefined;
  }
}

/** Returns the message if `value` is a well-formed host -> webview message, else undefined. */
export function parseHostMessage(value: unknown): HostToWebviewMessage | undefined {
  if (!isFields(value)) return undefined;
  switch (value.type) {
    case 'showModel': {
      const status = parseStatus(value.status);
      const model = value.model;
      if (!hasOnlyKeys(value, ['type', 'model', 'status']) || !status || !isFields(model)) return undefined;
      if (!hasOnlyKeys(model, ['fileName', 'uri']) || !isText(model.fileName) || !isText(model.uri)) return undefined;
      return { type: 'showModel', model: { fileName: model.fileName, uri: model.uri }, status };
    }
    case 'setStatus': {
      const status = parseStatus(value.status);
      if (!hasOnlyKeys(value, ['type', 'status']) || !status) return undefined;
      return { type: 'setStatus', status };
    }
    default:
      return undefined;
  }
}

/** State the webview persists with `setState`, read back by the panel serializer after a reload. */
export interface PanelState {
  modelUri: string;
}

export function parsePanelState(value: unknown): PanelState | undefined {
  if (!isFields(value) || !isText(value.modelUri)) return undefined;
  return { modelUri: value.modelUri };
}
