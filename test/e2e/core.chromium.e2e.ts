/** The core flows (core-flows.ts) in Chromium. Build first: npm run build. */
import { coreFlows } from './core-flows';

coreFlows('chromium');
