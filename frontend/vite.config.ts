// Builds the client into dist/, which build.rs runs and the server embeds.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes a brotli (`.br`) and a gzip (`.gz`) copy of every built asset, each
 * at its best level, so the server sends them as they are (by the request's
 * `Accept-Encoding`) instead of compressing the same bytes on every response.
 */
function precompress(): Plugin {
  return {
    name: 'kindred-precompress',
    apply: 'build',
    writeBundle(options) {
      const assets = join(options.dir ?? 'dist', 'assets');
      for (const name of readdirSync(assets)) {
        if (name.endsWith('.br') || name.endsWith('.gz')) continue;
        const file = readFileSync(join(assets, name));
        const brotli = brotliCompressSync(file, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: file.length,
          },
        });
        writeFileSync(join(assets, `${name}.br`), brotli);
        writeFileSync(join(assets, `${name}.gz`), gzipSync(file, { level: constants.Z_BEST_COMPRESSION }));
      }
    },
  };
}

export default defineConfig({
  plugins: [svelte(), precompress()],
  build: {
    // Every file under assets/ carries a content hash, so the server can cache it for a year.
    assetsDir: 'assets',
    target: 'es2020',
    reportCompressedSize: true,
  },
});
