// A delivery worker process: `npm run worker` starts one more.
import { runWorker } from "../lib/delivery/worker";

runWorker().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
