import { useRef } from 'react'
import { startIntake } from '../../actions/intake-actions'
import { INTAKE_ACCEPT, readIntakeFiles } from '../../lib/files'

/** "Open…": pick workflow files, then choose options in the run sheet. */
export function OpenButton() {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <button type="button" className="btn primary" data-testid="open-files" onClick={() => input.current?.click()}>
        Open…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={INTAKE_ACCEPT}
        hidden
        aria-label="Workflow files"
        data-testid="open-files-input"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? [])
          e.currentTarget.value = ''
          if (files.length) void readIntakeFiles(files).then((read) => startIntake({ files: read, text: null }, true))
        }}
      />
    </>
  )
}
