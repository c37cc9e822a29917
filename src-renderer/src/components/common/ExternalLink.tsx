import type { ReactNode } from 'react'
import { api } from '../../bridge/bridge-context'

/**
 * A link that opens in the system browser. In Electron new windows are denied, so the core opens
 * it (`app:open-external`); in a browser the normal new-tab behaviour is fine.
 */
export function ExternalLink(props: { href: string; children: ReactNode; className?: string; testId?: string }) {
  return (
    <a
      href={props.href}
      className={props.className}
      target="_blank"
      rel="noreferrer noopener"
      data-testid={props.testId}
      onClick={(e) => {
        if (!window.comfyfleet) return
        e.preventDefault()
        void api().app.openExternal(props.href)
      }}
    >
      {props.children}
    </a>
  )
}
