import { navigate } from './route-events'

const SCREENS = ['runs', 'servers', 'history', 'settings'] as const

/** Alt+1…4 switch screens from anywhere (the nav buttons say so in their titles). */
export function subscribeShortcuts(): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (!e.altKey || e.ctrlKey || e.metaKey) return
    const screen = SCREENS[Number(e.key) - 1]
    if (!screen) return
    e.preventDefault()
    navigate({ name: screen })
  }
  window.addEventListener('keydown', onKey)
  return () => window.removeEventListener('keydown', onKey)
}
