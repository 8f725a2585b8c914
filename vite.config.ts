import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { webManifest } from './src/pwa/web-manifest.ts';

// The page is built by Vite; the service worker is bundled from sw/ by vite-plugin-pwa's
// injectManifest strategy, which injects the precache list of the app shell into it.
export default defineConfig({
  build: { outDir: 'dist', target: 'es2022', sourcemap: true },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      // Registration is ours (workbox-window in src/pwa/register-sw.ts), so that the update
      // prompt can wait for uploads in flight.
      injectRegister: false,
      manifest: webManifest,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // Source maps are for debugging, not for offline use.
        globIgnores: ['**/*.map'],
        // A classic-script worker runs in every browser that has service workers.
        rollupFormat: 'iife',
      },
      devOptions: { enabled: false },
    }),
  ],
});
