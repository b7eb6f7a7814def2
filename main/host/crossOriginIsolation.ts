/**
 * Response headers that make the workbench page cross-origin isolated (COOP + COEP), on every file of the
 * renderer, in `twin serve` (WebHost) and in the Electron app (twin://). Isolation is what gives the page's
 * workers SharedArrayBuffer, so that one big simulation run can use a second thread
 * (workers/sim/web/slotWorker.ts). The page loads nothing from other origins, so require-corp blocks nothing.
 */
export const CROSS_ORIGIN_ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} as const;
