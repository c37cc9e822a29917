import type { Session } from 'electron'

/**
 * Web permissions the renderer may have: none. It never needs the camera, microphone, location,
 * notifications (main shows those), MIDI, HID or the like, and Electron grants every request by
 * default. Paste works through the paste event, which asks for no permission.
 */
export function isPermissionAllowed(permission: string): boolean {
  void permission
  return false
}

export function denyPermissionsByDefault(session: Session): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)))
  session.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission))
}
