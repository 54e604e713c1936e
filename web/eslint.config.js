import pluginVue from "eslint-plugin-vue";
import { defineConfigWithVueTs, vueTsConfigs } from "@vue/eslint-config-typescript";

export default defineConfigWithVueTs(
  { ignores: ["dist/**", "node_modules/**", "src/api/schema.d.ts", "src/*.d.ts"] },
  pluginVue.configs["flat/essential"],
  vueTsConfigs.recommended,
  {
    rules: {
      // Correctness rules only (formatting is the author's): essential + these.
      "vue/multi-word-component-names": "off",
      "vue/require-default-prop": "error",
      "vue/no-v-html": "error",
      "vue/this-in-template": "error",
      "vue/no-unused-refs": "error",
    },
  },
);
