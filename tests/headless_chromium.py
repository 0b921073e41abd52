"""Debian's headless Chromium driven over the DevTools protocol (no driver, no browser download).

The browser runs in its own process group with a fresh profile, so `close()` ends every
process it started, by PID. Only what the UI test needs: open a URL with localStorage set
before the page's scripts run, read the page's visible text, click a text, take a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

# Without these Chromium waits on networks this machine cannot reach (sync, updates, QUIC).
QUIET_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]


# The UI loads its data with fetch(): count the requests in flight, so a screenshot waits
# for the answers instead of showing nodes still grey for "loading".
COUNT_FETCHES = """
(() => {
  let pending = 0;
  const fetch = window.fetch;
  window.fetch = (...args) => {
    pending++;
    return fetch(...args).finally(() => pending--);
  };
  window.pendingFetches = () => pending;
})();
"""


class BrowserError(RuntimeError):
    """The browser did not start, or a DevTools command failed."""


class HeadlessChromium:
    """One Chromium process with one page, driven through its DevTools websocket."""

    def __init__(self, binary: str, profile: Path, width: int, height: int, log: Path):
        profile.mkdir(parents=True, exist_ok=True)
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [
                binary,
                *QUIET_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._ids = 0
        self._connection = contextlib.ExitStack()
        try:
            port = self._devtools_port(profile / "DevToolsActivePort", log)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                pages = [t for t in json.loads(r.read()) if t["type"] == "page"]
            self._socket = self._connection.enter_context(
                connect(pages[0]["webSocketDebuggerUrl"], max_size=None)
            )
            self.send("Page.enable")  # else scripts added for new documents never run
            self.send("Page.addScriptToEvaluateOnNewDocument", source=COUNT_FETCHES)
            self.viewport(width, height)
        except BaseException:
            self.close()
            raise

    def _devtools_port(self, active_port: Path, log: Path, timeout: float = 30) -> int:
        """Chromium writes the port it chose into the profile once it listens."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrowserError(f"chromium exited {self.process.returncode}: {log.read_text()}")
            if active_port.exists() and active_port.read_text().strip():
                return int(active_port.read_text().split()[0])
            time.sleep(0.1)
        raise BrowserError(f"chromium did not open its DevTools port within {timeout:.0f} s")

    def send(self, method: str, **params) -> dict:
        """Run one DevTools command and return its result (events in between are dropped)."""
        self._ids += 1
        self._socket.send(json.dumps({"id": self._ids, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv(timeout=60))
            if message.get("id") == self._ids:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message["result"]

    def viewport(self, width: int, height: int) -> None:
        """The page's size in CSS pixels, which is the screenshot's size."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def set_local_storage_before_load(self, items: dict[str, str]) -> None:
        """Every page opened from now on starts with these localStorage items."""
        script = "".join(
            f"localStorage.setItem({json.dumps(k)}, {json.dumps(v)});" for k, v in items.items()
        )
        self.send("Page.addScriptToEvaluateOnNewDocument", source=script)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str) -> None:
        self.send("Page.navigate", url=url)

    def text(self) -> str:
        """What a person reads on the page: the body's rendered text."""
        return self.evaluate("document.body ? document.body.innerText : ''") or ""

    def wait_for_text(self, *needles: str, timeout: float = 60) -> str:
        """The page text once every needle is on it; BrowserError naming the missing ones."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            missing = [n for n in needles if n not in text]
            if not missing:
                return text
            if time.monotonic() > deadline:
                raise BrowserError(f"not on the page after {timeout:.0f} s: {missing}\n{text}")
            time.sleep(0.5)

    def click_text(self, text: str, nth: int = 0) -> None:
        """Click the `nth` (-1: last) innermost visible element whose whole text is `text`."""
        clicked = self.evaluate(
            "(() => {"
            f"const want = {json.dumps(text)}; const nth = {int(nth)};"
            "const all = [...document.querySelectorAll('body *')].filter(e =>"
            " e.offsetParent !== null && e.innerText && e.innerText.trim() === want);"
            "const inner = all.filter(e => !all.some(o => o !== e && e.contains(o)));"
            "const hit = inner.at(nth); if (!hit) return false; hit.click(); return true; })()"
        )
        if not clicked:
            raise BrowserError(f"nothing to click with the text {text!r}\n{self.text()}")

    def settle(self, quiet: float = 1.0, timeout: float = 20) -> None:
        """Wait until, for `quiet` seconds, no request is in flight, the fonts are loaded and
        no finite animation runs (a dialog fading in)."""
        busy = (
            "window.pendingFetches() > 0 || document.fonts.status !== 'loaded'"
            " || document.getAnimations().some(a => a.playState === 'running'"
            " && a.effect.getComputedTiming().iterations !== Infinity)"
        )
        deadline = time.monotonic() + timeout
        calm_since = time.monotonic()
        while time.monotonic() < deadline:
            if self.evaluate(busy):
                calm_since = time.monotonic()
            elif time.monotonic() - calm_since >= quiet:
                return
            time.sleep(0.1)

    def screenshot(self, path: Path) -> None:
        """The page as shown, once its animations have finished."""
        self.settle()
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        """End the browser's whole process group (renderers, GPU and network helpers)."""
        self._connection.close()
        stop_process_group(self.process, grace_seconds=5)
        self._log.close()


def stop_process_group(process: subprocess.Popen, grace_seconds: float) -> None:
    """SIGTERM the group `process` leads, SIGKILL whatever is left after the grace period."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            pass
    try:  # children outlive their leader: kill the group by its id either way
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
