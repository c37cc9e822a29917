import { useEffect, useState } from 'react'
import { startIntake } from '../../actions/intake-actions'
import { readIntakeFiles } from '../../lib/files'

const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files')

/**
 * Window-wide file drop. Dropping starts one run per file at once; Shift+drop opens the run sheet
 * first. Listeners live on window so a drop anywhere (graph, grid, dialogs) works.
 */
export function DropOverlay() {
  const [active, setActive] = useState(false)
  useEffect(() => {
    // dragenter/dragleave fire for every child element crossed; count them to know when we left the window.
    let depth = 0
    const enter = (e: DragEvent): void => {
      if (!hasFiles(e)) return
      e.preventDefault()
      depth++
      setActive(true)
    }
    const over = (e: DragEvent): void => {
      if (!hasFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    }
    const leave = (e: DragEvent): void => {
      if (!hasFiles(e)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) setActive(false)
    }
    const drop = (e: DragEvent): void => {
      if (!hasFiles(e)) return
      e.preventDefault()
      depth = 0
      setActive(false)
      const files = Array.from(e.dataTransfer?.files ?? [])
      if (files.length === 0) return
      const withSheet = e.shiftKey
      void readIntakeFiles(files).then((read) => startIntake({ files: read, text: null }, withSheet))
    }
    window.addEventListener('dragenter', enter)
    window.addEventListener('dragover', over)
    window.addEventListener('dragleave', leave)
    window.addEventListener('drop', drop)
    return () => {
      window.removeEventListener('dragenter', enter)
      window.removeEventListener('dragover', over)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('drop', drop)
    }
  }, [])
  if (!active) return null
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-card">
        <div className="drop-title">Drop to run</div>
        <div className="drop-sub">API JSON · UI JSON · ComfyUI PNG / WebP — one run per file</div>
        <div className="drop-hint">Hold Shift to choose server, count, seeds, priority</div>
      </div>
    </div>
  )
}
