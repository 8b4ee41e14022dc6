#!/usr/bin/env python3
"""The dashboard during a real demo (bin/bench dashboard): runs bin/demo headless at fleet size, keeps one headless
Chromium on the dashboard from the rollout's first record to its end, takes a screenshot when half the eligible
devices are upgraded (the slowest subnet open in detail), and prints what that browser received from the stream
beside the issue's targets, and, as the reference measured in the same run, every subnet's status at once (what a
page without server-side paging would draw from). Chromium is driven through chromedriver's W3C HTTP API, so
nothing beyond Python's standard library is needed."""
import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

TARGET_FRAME_BYTES = 20_000
TARGET_BYTES_PER_SECOND = 20_000
SERVICE = "http://localhost:8083"

parser = argparse.ArgumentParser(prog="bin/bench dashboard", description=__doc__.split("\n")[0])
parser.add_argument("--repo-dir", required=True)
parser.add_argument("--subnets", type=int, default=20)
parser.add_argument("--devices-per-subnet", type=int, default=50)
parser.add_argument("--package-mib", type=int, default=8)
parser.add_argument("--upload-rate-mib", type=int, default=16)
parser.add_argument("--install-seconds", type=int, default=1)
parser.add_argument("--screenshot", default="var/bench-dashboard/dashboard.png",
                    help="where the screenshot halfway goes (default: %(default)s)")
args = parser.parse_args()
repo = os.path.abspath(args.repo_dir)
work = os.path.join(repo, "var", "bench-dashboard")
os.makedirs(work, exist_ok=True)
token_file = os.path.join(repo, "var", "demo", "viewer.token")
screenshot = os.path.abspath(args.screenshot)


def log(message):
    print("dashboard: " + message, flush=True)


def chromium_programs():
    missing = [p for p in ("chromium", "chromedriver") if shutil.which(p) is None]
    if missing and os.geteuid() == 0:
        log("installing Debian's chromium and chromium-driver")
        subprocess.run(["apt-get", "update"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "chromium", "chromium-driver"], check=True, stdout=subprocess.DEVNULL)
    elif missing:
        sys.exit("dashboard: %s missing; install with: apt-get install -y chromium chromium-driver" % " and ".join(missing))
    return shutil.which("chromium"), shutil.which("chromedriver")


def call(method, url, body=None, token=None, timeout=30):
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(url, method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


class Browser:
    """One headless Chromium, through chromedriver's W3C WebDriver HTTP API."""

    def __init__(self, chromium, chromedriver):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.driver = subprocess.Popen([chromedriver, "--port=%d" % port], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % port
        for _ in range(100):
            try:
                if json.loads(call("GET", self.base + "/status"))["value"]["ready"]:
                    break
            except OSError:
                time.sleep(0.1)
        options = {"binary": chromium, "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                                                "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1440,2300"]}
        created = json.loads(call("POST", self.base + "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": options}}}, timeout=60))
        self.session = self.base + "/session/" + created["value"]["sessionId"]

    def open(self, url):
        call("POST", self.session + "/url", {"url": url}, timeout=60)

    def run(self, script):
        return json.loads(call("POST", self.session + "/execute/sync", {"script": script, "args": []}))["value"]

    def screenshot(self, path):
        png = json.loads(call("GET", self.session + "/screenshot", timeout=60))["value"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(png))

    def close(self):
        try:
            call("DELETE", self.session)
        except OSError:
            pass
        self.driver.terminate()
        self.driver.wait(10)


def received(browser):
    return browser.run("return Object.assign({}, window.peerliftStream)")


chromium, chromedriver = chromium_programs()
demo_command = [os.path.join(repo, "bin", "demo"), "--headless", "--subnets", str(args.subnets),
                "--devices-per-subnet", str(args.devices_per_subnet), "--package-mib", str(args.package_mib),
                "--upload-rate-mib", str(args.upload_rate_mib), "--install-seconds", str(args.install_seconds),
                "--summary", os.path.join(work, "summary.json")]
log("running " + " ".join(demo_command[1:]).replace(repo + "/", ""))
if os.path.exists(token_file):
    os.remove(token_file)
demo_log = open(os.path.join(work, "demo.log"), "w")
demo = subprocess.Popen(demo_command, cwd=repo, stdout=demo_log, stderr=subprocess.STDOUT)
browser = None
try:
    rollout, token = None, None
    while rollout is None:
        if demo.poll() is not None:
            sys.exit("dashboard: the demo ended before its rollout appeared (see %s)" % demo_log.name)
        try:
            token = open(token_file).read().strip()
            listed = json.loads(call("GET", SERVICE + "/api/rollouts", token=token))
            rollout = listed[0]["id"] if listed else None
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    browser = Browser(chromium, chromedriver)
    opened = time.time()
    browser.open(SERVICE + "/#" + urllib.parse.urlencode({"token": token, "rollout": rollout}))
    log("rollout %s: one browser on the dashboard" % rollout)

    reference, shot = None, None
    while demo.poll() is None:
        try:
            board = json.loads(call("GET", SERVICE + "/api/rollouts/%s/board?limit=1" % rollout, token=token))
        except OSError:
            break  # the demo is stopping its services
        counts = board["rollout"]["deviceCounts"]
        eligible = sum(counts.values()) - counts.get("INELIGIBLE", 0) - counts.get("CURRENT", 0)
        if shot is None and counts.get("UPGRADED", 0) >= eligible / 2 and board["rows"]:
            subnets = call("GET", SERVICE + "/api/rollouts/%s/subnets" % rollout, token=token)
            records = json.loads(subnets)
            reference = (len(subnets), max(len(json.dumps(r, separators=(",", ":"))) for r in records), len(records))
            worst = board["rows"][0]["subnet"]
            browser.run("location.hash = %s" % json.dumps(urllib.parse.urlencode({"rollout": rollout, "subnet": worst})))
            time.sleep(3)  # the stream reopens with the subnet in detail, its devices load
            browser.screenshot(screenshot)
            shot = (counts.get("UPGRADED", 0), eligible, worst, time.time() - opened)
            log("screenshot at %d of %d upgraded, %.0f s in, slowest subnet %s in detail: %s"
                % (shot[0], shot[1], shot[3], worst, screenshot))
        if board["rollout"]["state"] in ("COMPLETED", "CANCELLED", "FAILED"):
            time.sleep(2)  # the page's last frame
            break
        time.sleep(0.5)
    stream = received(browser)
    seconds = time.time() - opened
    demo.wait(120)
finally:
    if browser:
        browser.close()
    if demo.poll() is None:
        demo.terminate()
        demo.wait(120)

summary = json.load(open(os.path.join(work, "summary.json")))
rate = stream["bytes"] / seconds
print()
print("dashboard: %d devices in %d subnets, rollout %s in %s s (ratio to ideal %s)"
      % (summary["devices"]["total"], len(summary["subnets"]), summary["state"], summary["seconds"],
         summary.get("ratioToIdeal")))
print("%-60s %14s %16s" % ("", "measured", "issue's target"))
print("%-60s %14s %16s" % ("one browser's stream, bytes/s over the rollout", "%.0f B/s" % rate, "< 20,000 B/s"))
print("%-60s %14s %16s" % ("  (%d frames, %d bytes in %.0f s)" % (stream["frames"], stream["bytes"], seconds), "", ""))
print("%-60s %14s %16s" % ("largest frame", "%d B" % stream["largestFrame"], "< 20,000 B"))
if reference:
    print("%-60s %14s" % ("reference at halfway: every subnet's status at once (%d subnets)" % reference[2],
                          "%d B" % reference[0]))
    print("%-60s %14s" % ("reference at halfway: the largest subnet record", "%d B" % reference[1]))
if shot is None:
    print("no screenshot: the rollout never got halfway")
ok = shot is not None and summary["state"] == "COMPLETED" and stream["largestFrame"] < TARGET_FRAME_BYTES \
    and rate < TARGET_BYTES_PER_SECOND
sys.exit(0 if ok else 1)
