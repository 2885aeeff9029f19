// Builds the client into dist/, which build.rs runs and the server embeds.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [svelte()],
  build: {
    // Every file under assets/ carries a content hash, so the server can cache it for a year.
    assetsDir: 'assets',
    target: 'es2020',
    reportCompressedSize: true,
  },
});
