import { fileURLToPath, URL } from "node:url";

import vue from "@vitejs/plugin-vue";
import AutoImport from "unplugin-auto-import/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import Components from "unplugin-vue-components/vite";
import { defineConfig } from "vitest/config";

// The gateway serves the build at / (API under /api/v1). `npm run dev` proxies the API to a
// running gateway (GATEWAY_URL, default http://127.0.0.1:8000).
const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus components and ElMessage/ElMessageBox imported on demand, styles included.
    AutoImport({ resolvers: [ElementPlusResolver()], dts: "src/auto-imports.d.ts" }),
    Components({ resolvers: [ElementPlusResolver()], dts: "src/components.d.ts", dirs: [] }),
  ],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: { proxy: { "/api": gateway, "/files": gateway } },
  build: {
    outDir: process.env.WEB_OUT_DIR ?? "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        // Shared Element Plus chunks are named after their first module (its style import,
        // "css"): call them what they are.
        chunkFileNames: (chunk: { name: string }) =>
          `assets/${chunk.name === "css" ? "element-plus" : "[name]"}-[hash].js`,
        // Vue, the router and Pinia in a chunk of their own (every page needs them, and they
        // change less often than the app). Element Plus is left to Rollup: each page's chunk
        // takes the components it uses, shared ones go to common chunks — so the login page
        // does not carry the tables, trees and date pickers of the admin screens.
        manualChunks(id: string) {
          // ECharts (and vue-echarts: "node_modules/vue-echarts" would otherwise match the
          // Vue rule below and make every page, the login page too, load ECharts) is left
          // to the bundler: only the report pages import it, so it loads with them.
          if (id.includes("node_modules/vue-echarts")) {
            return undefined;
          }
          if (id.includes("node_modules/vue/") || id.includes("node_modules/@vue")
            || id.includes("node_modules/pinia") || id.includes("node_modules/vue-router")) {
            return "vue";
          }
          return undefined;
        },
      },
    },
  },
  test: {
    environment: "happy-dom",
    include: ["tests/**/*.test.ts"],
  },
});
