// DEV ONLY entry (dev.html): the real app on the in-memory transport, for looking at the UI.
import { startApp } from '../start'
import { createDevTransport } from './dev-transport'

startApp(createDevTransport())
