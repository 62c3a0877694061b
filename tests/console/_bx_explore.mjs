import { ALICE, TEACHER, startServer, awslabCli, adminCall, advanceClock } from "./harness.mjs";
import { signRequest, sha256Hex } from "../../emulator/console/js/sigv4.js";
async function ce(server, req, who) {
  const payload = JSON.stringify(req);
  const url = new URL("/", server.endpoint);
  const headers = await signRequest({ method: "POST", host: url.host, path: "/", query: [],
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSInsightsIndexService.GetCostAndUsage" },
    payloadHash: await sha256Hex(payload), region: "us-east-1", service: "ce",
    credentials: { accessKeyId: who.keyId, secretAccessKey: who.secret } });
  const r = await fetch(url, { method: "POST", headers, body: payload });
  return [r.status, await r.json()];
}
const server = await startServer();
try {
  await awslabCli(server, ["ec2", "run", "--image-id", "ami-d1737bb8", "--instance-type", "m4.large"], ALICE);
  await advanceClock(server, 86400 * 2 + 3600 * 5 + 60);
  console.log(JSON.stringify(await ce(server, { TimePeriod: { Start: "2013-04-01", End: "2013-04-04" }, Granularity: "DAILY", Metrics: ["UnblendedCost"],
     Filter: { Dimensions: { Key: "LINKED_ACCOUNT", Values: [ALICE.id] } } }, ALICE)));
  console.log(JSON.stringify(await ce(server, { TimePeriod: { Start: "2013-04-03T00:00:00Z", End: "2013-04-03T07:00:00Z" }, Granularity: "HOURLY", Metrics: ["UnblendedCost"] }, ALICE)));
  console.log(JSON.stringify(await ce(server, { TimePeriod: { Start: "2013-04-01", End: "2013-04-04" }, Granularity: "DAILY", Metrics: ["UnblendedCost"] }, TEACHER)));
  console.log(JSON.stringify(await adminCall(server, "GET", "/_awslab/billing?account=111122223333&start=2013-04-01&end=2013-05-01")).slice(0, 400));
  console.log(JSON.stringify(await adminCall(server, "GET", "/_awslab/billing?account=111122223333&start=2013-03-01&end=2013-04-01")).slice(0, 400));
} finally { await server.stop(); }
