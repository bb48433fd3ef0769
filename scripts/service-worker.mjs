// Trunk post-build hook: writes sw.js, the service worker that makes the playground work
// offline after one visit. Workbox's generateSW lists every file of this build (page, workers,
// docs, examples) with a hash of its content, so a new build is a new worker that updates
// exactly the files that changed, and the page never mixes two builds. The Workbox runtime is
// inlined: sw.js is one file, served beside the page like the rest.
import { generateSW } from 'workbox-build';

const staging = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!staging) {
  console.error('usage: service-worker.mjs <dist> (or TRUNK_STAGING_DIR, as trunk sets it)');
  process.exit(2);
}
const { count, size, warnings } = await generateSW({
  globDirectory: staging,
  globPatterns: ['**/*'],
  globIgnores: ['sw.js'],
  swDest: `${staging}/sw.js`,
  inlineWorkboxRuntime: true,
  mode: 'production',
  sourcemap: false,
  // The sandbox's bundle is the largest file (about 2.9 MB); everything is precached.
  maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
  // A new build waits until the page asks it to take over (its "reload to update" notice).
  skipWaiting: false,
  clientsClaim: false,
  cleanupOutdatedCaches: true,
  // A query (`?embed`) is the page's, never another file: the cached page answers it.
  ignoreURLParametersMatching: [/.*/],
});
for (const warning of warnings) console.error(`service worker: ${warning}`);
console.log(`service worker: ${count} files precached, ${size} bytes`);
