import { pickBridge } from './bridge/pick-bridge'
import { startApp } from './start'

startApp(pickBridge())
