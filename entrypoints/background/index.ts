import { adapterFor } from '../../lib/sources/registry';
import { startBackground } from './service';

export default defineBackground(() => {
  // Listeners must be registered synchronously in main (MV3 wakes the worker for them).
  startBackground({ browser, adapterFor });
});
