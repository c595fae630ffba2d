// Verzenden's view of a native drag: whether files are being dragged over the window
// (the drop itself arrives as files-opened, see desktop.ts).
import { getCurrentWebview } from '@tauri-apps/api/webview';

/** Calls `handler(true)` while files are dragged over the window, `false` when they leave or drop. */
export async function onDropHover(handler: (over: boolean) => void): Promise<() => void> {
  try {
    return await getCurrentWebview().onDragDropEvent((event) => handler(event.payload.type === 'enter' || event.payload.type === 'over'));
  } catch {
    // Outside Tauri (tests, a plain browser) there is no native drag.
    return () => {};
  }
}
