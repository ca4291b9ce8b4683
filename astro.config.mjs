// The runbook site. Its configuration lives in src/site/astro-config.ts so that the test
// fixture sites under tests/site/fixtures/ build with exactly the same one.
import { runbooksSiteConfig } from './src/site/astro-config.ts';

export default runbooksSiteConfig({ root: import.meta.dirname });
