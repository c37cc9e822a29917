import { resolve } from 'node:path'
import { findTemporalCli } from '../../src-main/temporal/cli-path'

/** The Temporal CLI the set-up script provisioned (tests use the real dev server, never a mock). */
export const temporalCli = (): string => findTemporalCli({ projectRoot: resolve(__dirname, '../..') })
