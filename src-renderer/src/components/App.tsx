import { useStore } from '../store'
import { HistoryScreen } from './history/HistoryScreen'
import { RunDetailScreen } from './run-detail/RunDetailScreen'
import { RunsScreen } from './runs/RunsScreen'
import { ServersScreen } from './servers/ServersScreen'
import { SettingsScreen } from './settings/SettingsScreen'
import { DropOverlay } from './shell/DropOverlay'
import { Nav } from './shell/Nav'
import { PasteListener } from './shell/PasteListener'
import { RunSheet } from './shell/RunSheet'
import { StatusBar } from './shell/StatusBar'
import { Toasts } from './shell/Toasts'

function CurrentScreen() {
  const name = useStore((s) => s.route.name)
  const runId = useStore((s) => (s.route.name === 'run' ? s.route.id : null))
  switch (name) {
    case 'runs':
      return <RunsScreen />
    case 'run':
      return runId ? <RunDetailScreen key={runId} runId={runId} /> : <RunsScreen />
    case 'servers':
      return <ServersScreen />
    case 'history':
      return <HistoryScreen />
    case 'settings':
      return <SettingsScreen />
  }
}

/** The window: nav at the left, the current screen, the status bar, and window-wide overlays. */
export function App() {
  const ready = useStore((s) => s.ready)
  return (
    <div className="app" data-testid="app" data-app-state={ready ? 'ready' : 'loading'}>
      <Nav />
      <main className="screen" id="main">
        <CurrentScreen />
      </main>
      <StatusBar />
      <DropOverlay />
      <PasteListener />
      <RunSheet />
      <Toasts />
    </div>
  )
}
