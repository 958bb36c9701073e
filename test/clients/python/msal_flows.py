"""Runs one MSAL Python flow against the emulator for test/clients/python-msal.test.ts.

Reads a JSON command on stdin, prints one JSON answer on stdout. The emulator's CA is
trusted through REQUESTS_CA_BUNDLE, which the test sets, or the command's "verify" path.
"""
import json
import sys
from urllib.parse import urlsplit, urlunsplit

import msal
import requests
from requests.adapters import HTTPAdapter


class EmulatorPortAdapter(HTTPAdapter):
    """Sends a port-less https://HOST/ request to the emulator's port.

    MSAL Python builds its user-realm lookup (ROPC) from the authority's host name
    alone, so it always goes to port 443. Mounted on "https://HOST/", this adapter
    sees only such port-less URLs and adds the port back.
    """

    def __init__(self, port):
        super().__init__()
        self.port = port

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = urlunsplit(parts._replace(netloc="%s:%d" % (parts.hostname, self.port)))
        return super().send(request, **kwargs)


def port_fixing_session(base_url):
    url = urlsplit(base_url)
    session = requests.Session()
    session.mount("https://%s/" % url.hostname, EmulatorPortAdapter(url.port or 443))
    return session


def graph_get(cmd, token, path):
    resp = requests.get(cmd["baseUrl"] + "/v1.0" + path, headers={"Authorization": "Bearer " + token}, verify=cmd.get("verify", True))
    return {"status": resp.status_code, "body": resp.json()}


def result_of(cmd, result, path):
    if "access_token" not in result:
        return {"error": result.get("error"), "error_description": result.get("error_description"), "error_codes": result.get("error_codes")}
    return {"graph": graph_get(cmd, result["access_token"], path), "claims": result.get("id_token_claims")}


def main():
    cmd = json.load(sys.stdin)
    authority = cmd["baseUrl"] + "/" + cmd["tenant"]
    flow = cmd["flow"]
    extra = {}
    if cmd.get("instanceDiscovery", False) is False:
        extra["instance_discovery"] = False
    if cmd.get("verify"):
        # Honoured only while REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE are unset: requests lets them win.
        extra["verify"] = cmd["verify"]
    if flow == "client_credentials":
        app = msal.ConfidentialClientApplication(cmd["clientId"], client_credential=cmd["secret"], authority=authority, **extra)
        result = app.acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
        out = result_of(cmd, result, "/users?$top=1&$select=id")
    elif flow == "ropc":
        if cmd.get("fixPort"):
            extra["http_client"] = port_fixing_session(cmd["baseUrl"])
        app = msal.PublicClientApplication(cmd["clientId"], authority=authority, **extra)
        result = app.acquire_token_by_username_password(cmd["username"], cmd["password"], scopes=["User.Read"])
        out = result_of(cmd, result, "/me")
    elif flow == "auth_code_start":
        app = msal.ConfidentialClientApplication(cmd["clientId"], client_credential=cmd["secret"], authority=authority, **extra)
        out = {"flow": app.initiate_auth_code_flow(["User.Read"], redirect_uri=cmd["redirectUri"])}
    elif flow == "auth_code_finish":
        app = msal.ConfidentialClientApplication(cmd["clientId"], client_credential=cmd["secret"], authority=authority, **extra)
        result = app.acquire_token_by_auth_code_flow(cmd["authCodeFlow"], cmd["authResponse"])
        out = result_of(cmd, result, "/me")
    else:
        raise SystemExit("unknown flow " + flow)
    out["msalVersion"] = msal.__version__
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
