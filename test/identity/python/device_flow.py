"""MSAL Python's device flow against the emulator, unmodified: prints the flow, then the result, as JSON lines."""
import json
import os
import sys

import msal

app = msal.PublicClientApplication(
    os.environ["CLIENT_ID"],
    authority=os.environ["AUTHORITY"],
    # MSAL Python's own option for a cloud other than login.microsoftonline.com: ask this host's
    # instance discovery, which answers the tenant's discovery document (the tenant echoed).
    instance_discovery=os.environ["INSTANCE_DISCOVERY"],
)
flow = app.initiate_device_flow(scopes=["User.Read"])
print(json.dumps({"flow": {k: flow.get(k) for k in ("user_code", "verification_uri", "message", "expires_in", "interval")}}), flush=True)
result = app.acquire_token_by_device_flow(flow)
print(json.dumps({"result": {"username": (result.get("id_token_claims") or {}).get("preferred_username"), "has_access_token": "access_token" in result, "error": result.get("error"), "error_description": result.get("error_description")}}), flush=True)
sys.exit(0)
