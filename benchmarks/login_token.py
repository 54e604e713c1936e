"""Prints an access token of a demo learner (captcha must be off). Retries for a while:
right after seeding, the learner's activation is still travelling by events."""
import json
import sys
import time
import urllib.error
import urllib.request

base = sys.argv[1]
body = json.dumps({"username": "zhangwei", "password": "Learner@2026"}).encode()
deadline = time.monotonic() + 30
while True:
    req = urllib.request.Request(base + "/api/v1/auth/login", body,
                                 {"Content-Type": "application/json"})
    try:
        print(json.load(urllib.request.urlopen(req))["access_token"])
        break
    except urllib.error.HTTPError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.5)
