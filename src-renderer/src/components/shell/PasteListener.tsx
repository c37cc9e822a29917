import { useEffect } from 'react'
import { startIntake } from '../../actions/intake-actions'
import { readIntakeFiles } from '../../lib/files'

/** Whether the paste belongs to a text field rather than to the app. */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

/** Ctrl/Cmd+V outside inputs: pasted JSON text or image files open the run sheet. */
export function PasteListener() {
  useEffect(() => {
    const onPaste = (e: ClipboardEvent): void => {
      if (isEditable(e.target) || !e.clipboardData) return
      const files = Array.from(e.clipboardData.files)
      const text = e.clipboardData.getData('text/plain')
      if (files.length > 0) {
        e.preventDefault()
        void readIntakeFiles(files).then((read) => startIntake({ files: read, text: null }, true))
      } else if (text.trim()) {
        e.preventDefault()
        startIntake({ files: [], text }, true)
      }
    }
    document.addEventListener('paste', onPaste)
    return () => document.removeEventListener('paste', onPaste)
  }, [])
  return null
}
