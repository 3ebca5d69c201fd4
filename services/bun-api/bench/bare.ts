/** The baseline: Bun.serve answering a small constant JSON body, with nothing else. */
const body = { ok: true, service: "bare" };
Bun.serve({
  port: Number(process.env.PORT ?? 0),
  development: false,
  routes: { "/": () => Response.json(body) },
});
