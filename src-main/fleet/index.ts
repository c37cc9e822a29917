export { DEFAULT_COMFYUI_PORT, normaliseAddress } from '../../src-shared/comfy/address'
export { Fleet, type FleetOptions } from './fleet'
export {
  HealthMonitor,
  unknownHealth,
  type CapabilityStore,
  type HealthChange,
  type HealthMonitorOptions,
} from './health-monitor'
export { MAX_SLOTS, MIN_SLOTS, ServerRegistry } from './server-registry'
