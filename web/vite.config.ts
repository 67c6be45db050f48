import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

/**
 * The storefront and admin dashboard: one app, built to static files in web/dist; beside it, the API reference page
 * (web/api/docs, served at /api/docs), an entry of its own that shares no code with the shop.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  publicDir: path.join(root, 'public'),
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    // Every browser the shop supports has module preload; the polyfill would be dead code.
    modulePreload: { polyfill: false },
    sourcemap: true,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      input: { index: path.join(root, 'index.html'), docs: path.join(root, 'api', 'docs', 'index.html') },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` serves the app with hot reload against a running sandbox.
    proxy: { '/api': process.env.API_PROXY ?? 'http://127.0.0.1:3000' },
  },
});
