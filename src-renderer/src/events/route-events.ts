import { useStore } from '../store'
import { hashFromRoute, routeFromHash, type Route } from '../store/ui-slice'

/** Navigates by changing the hash; the hashchange listener updates the store. */
export function navigate(route: Route): void {
  window.location.hash = hashFromRoute(route)
}

/** Keeps the route in the store in step with `location.hash` (back/forward, links). */
export function subscribeRouteEvents(): () => void {
  const apply = (): void => useStore.getState().setRoute(routeFromHash(window.location.hash))
  apply()
  window.addEventListener('hashchange', apply)
  return () => window.removeEventListener('hashchange', apply)
}
