import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import '@xyflow/react/dist/style.css'
import './styles/base.css'
import './styles/layout.css'
import './styles/run-sheet.css'
import './styles/run-states.css'
import { loadAll } from './actions/load-actions'
import { createApi } from './bridge/api'
import { setBridge } from './bridge/bridge-context'
import type { Bridge } from './bridge/pick-bridge'
import { App } from './components/App'
import { subscribeAll } from './events'

/** Wires the bridge, the event modules and the first load, then renders the app into #root. */
export function startApp(bridge: Bridge): void {
  setBridge(bridge, createApi(bridge))
  subscribeAll(bridge)
  void loadAll()
  const root = document.getElementById('root')
  if (!root) throw new Error('#root missing from index.html')
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>
  )
}
