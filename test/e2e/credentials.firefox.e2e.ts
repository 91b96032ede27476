/** Where credentials go (credential-flows.ts), in Firefox. Build first: npm run build:demo. */
import { credentialFlows } from './credential-flows';

credentialFlows('firefox');
