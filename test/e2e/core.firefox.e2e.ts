/** The core flows (core-flows.ts) in Firefox. Build first: npm run build:firefox. */
import { coreFlows } from './core-flows';

coreFlows('firefox');
