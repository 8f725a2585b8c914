import type { ManifestOptions } from 'vite-plugin-pwa';

/** The web app manifest: what Chromium checks to offer installation. Icons live in public/icons. */
export const webManifest: Partial<ManifestOptions> = {
  name: 'Skylift — background uploads to OSS',
  short_name: 'Skylift',
  description:
    'Upload large files to Alibaba Cloud OSS in the background: resumable, parallel and verified, even after the tab closes.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  theme_color: '#1f4fd1',
  background_color: '#0f172a',
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};
