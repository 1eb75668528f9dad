import { defineConfig } from "vitest/config";

// Test files share one database engine per run (DATABASE_URL picks it); each file makes its own
// database (SQLite file or PostgreSQL schema), so files run in parallel without seeing each other.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A poll waits for what a page or a worker does; on a loaded 2-core machine (CI runs files in
    // parallel, browsers among them) a second is too little, while a real failure still fails.
    expect: { poll: { timeout: 10_000 } },
  },
});
