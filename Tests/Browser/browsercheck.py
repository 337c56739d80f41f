"""What the browser tests share: reporting checks, waiting for a condition,
and a headless Chromium."""
import shutil, time
from selenium import webdriver

failures = []

def expect(condition, message):
    """Prints the check and remembers it when it failed."""
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        failures.append(message)

def wait(predicate, seconds=6):
    """True as soon as predicate() is (exceptions count as not yet), False after `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if predicate():
                return True
        except Exception:
            pass
        time.sleep(0.05)
    return False

def chromium(width=1100, height=800, console=False):
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=%d,%d" % (width, height)]:
        options.add_argument(argument)
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)
