"""Prints an access token of a demo learner (captcha must be off)."""
import json
import sys
import urllib.request

base = sys.argv[1]
body = json.dumps({"username": "zhangwei", "password": "Learner@2026"}).encode()
req = urllib.request.Request(base + "/api/v1/auth/login", body,
                             {"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req))["access_token"])
