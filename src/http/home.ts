// The page at "/" until the admin SPA lands: what this server is and where to go next.
import type { RoutePlugin } from "./context.js";

const PAGE = `<!doctype html>
<html lang="ja">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kizuna</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6}</style>
</head>
<body>
<h1>Kizuna 絆</h1>
<p>オープンソースの EC 向け CRM / マーケティングオートメーション。Open-source CRM and marketing automation for e-commerce shops.</p>
<ul>
<li><a href="/docs">API リファレンス / API reference (OpenAPI)</a></li>
<li><a href="/sdk.js">ストアフロント用スニペット / storefront snippet</a></li>
</ul>
<p>管理画面は準備中です。The admin is on its way; the API is ready.</p>
</body>
</html>`;

export const homeRoutes: RoutePlugin = async (app) => {
  app.get("/", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(PAGE),
  );
};
