// What every executor script shares: reading `pao_payload`, and saying a problem as a workflow command without
// letting payload text become a command of its own.

/** Text made safe to put after `::error::`: GitHub's escaping of workflow command data. */
export function commandData(text) {
  return String(text).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** The payload as a JSON object, or why it is not one. */
export function readPayloadObject(text) {
  let payload;
  try {
    payload = JSON.parse(text);
  } catch {
    return { problem: "pao_payload is not JSON" };
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return { problem: "pao_payload is not a JSON object" };
  return { payload };
}
