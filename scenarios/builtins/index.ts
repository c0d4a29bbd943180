import type { Scenario } from '../scenario.js'
import { bookstore } from './bookstore.js'
import { errorLog } from './error-log.js'
import { jobHistory } from './job-history.js'
import { library } from './library.js'

/** The built-in scenarios, one per field report (see the README's Scenarios), in the order of the reports. */
export const BUILTIN_SCENARIOS: readonly Scenario[] = [jobHistory, bookstore, errorLog, library]
