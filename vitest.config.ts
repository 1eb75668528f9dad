import { defineConfig } from "vitest/config";

// Test files share one database engine per run (DATABASE_URL picks it); each file makes its own
// database (SQLite file or PostgreSQL schema), so files run in parallel without seeing each other.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
