#!/usr/bin/python3
"""Runs one dogtail GUI test script of OpenTKE and reports every case as TAP.

    gui-runner.py --app BUILD/smartcard-utility/scup --artifacts DIR \
                  [--schema-dir DIR] [--app-arg ARG ...] SCRIPT.py

The runner starts itself again under `xvfb-run -a dbus-run-session`, starts the
accessibility bus (at-spi-bus-launcher --launch-immediately), makes a temporary virtual
card deck, and runs the `CASES` of SCRIPT (a list of (name, function(gui))) in order,
printing "ok N name" or "not ok N name" with the reason.  Screenshots (test artifacts)
go to DIR.  It must run under /usr/bin/python3, the Debian python that has dogtail.
"""
import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--app", required=True, help="the program under test")
    parser.add_argument("--app-arg", action="append", default=[],
                        help="extra argument for the program (repeatable)")
    parser.add_argument("--artifacts", required=True, help="folder for screenshots and logs")
    parser.add_argument("--schema-dir", help="folder with the compiled GSettings schema")
    parser.add_argument("--tap", action="store_true", help="accepted for meson; TAP is always on")
    parser.add_argument("script", help="the test script (defines CASES)")
    return parser.parse_args(argv)


def bail(reason):
    """A TAP "Bail out!" so that meson reports the reason, then a failing exit."""
    print("Bail out! " + reason, flush=True)
    sys.exit(1)


def outer(argv):
    for tool in ("xvfb-run", "dbus-run-session", "import"):
        if shutil.which(tool) is None:
            bail("%s is missing (Debian packages xvfb, dbus, imagemagick)" % tool)
    if not os.path.exists("/usr/libexec/at-spi-bus-launcher"):
        bail("/usr/libexec/at-spi-bus-launcher is missing (Debian package at-spi2-core)")
    command = ["xvfb-run", "-a", "-s", "-screen 0 1720x1080x24", "dbus-run-session", "--",
               "/usr/bin/python3", os.path.abspath(__file__), "--inner"] + argv
    # xvfb-run needs a fresh process group to clean up its X server.
    return subprocess.call(command)


def start_a11y_bus(log):
    launcher = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
                                stdout=log, stderr=log)
    # The bus is up when org.a11y.Bus answers GetAddress.
    for _ in range(100):
        probe = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus",
                                "/org/a11y/bus", "org.a11y.Bus.GetAddress"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            return launcher
        time.sleep(0.1)
    launcher.kill()
    bail("the accessibility bus did not start")
    return None


def load_script(path):
    sys.path.insert(0, HERE)
    spec = importlib.util.spec_from_file_location("gui_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inner(args):
    os.makedirs(args.artifacts, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="opentke-gui-")
    log = open(os.path.join(args.artifacts, "session.log"), "w")
    os.environ["GTK_MODULES"] = "gail:atk-bridge"
    os.environ["GSETTINGS_BACKEND"] = "memory"
    os.environ["NO_AT_BRIDGE"] = "0"
    os.environ["XDG_DATA_HOME"] = os.path.join(workdir, "data")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(workdir, "config")
    # A private pcscd fixture (tests/pcscd/with-pcscd.sh) exports the deck its virtual
    # readers use; the program must use that one.
    os.environ.setdefault("OPENTKE_DECK", os.path.join(workdir, "deck"))
    os.environ.pop("OPENTKE_READER1", None)
    os.environ.pop("OPENTKE_READER2", None)
    if args.schema_dir:
        os.environ["GSETTINGS_SCHEMA_DIR"] = args.schema_dir
    launcher = start_a11y_bus(log)
    # TAP goes to the real stdout; whatever dogtail or GTK print goes to the log.
    tap = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(log.fileno(), 1)

    import otkgui  # after the environment is set: dogtail reads it at import

    script = load_script(args.script)
    gui = otkgui.Gui(app=args.app, app_args=args.app_arg, artifacts=args.artifacts,
                     deck=os.environ["OPENTKE_DECK"], log=log)
    cases = script.CASES
    print("1..%d" % len(cases), file=tap)
    failed = 0
    for number, (name, function) in enumerate(cases, start=1):
        started = time.monotonic()
        try:
            function(gui)
            print("ok %d %s" % (number, name), file=tap)
            print("# %.1f s" % (time.monotonic() - started), file=tap)
        except Exception as error:  # every failure of a case is reported, then the next runs
            failed += 1
            print("not ok %d %s" % (number, name), file=tap)
            for line in ("%s: %s" % (type(error).__name__, error)).splitlines():
                print("# " + line, file=tap)
            for line in traceback.format_exc().splitlines():
                print("# " + line, file=tap)
            gui.screenshot("FAILED-%02d-%s" % (number, name.replace(" ", "-")))
    gui.close()
    launcher.terminate()
    launcher.wait()
    log.close()
    shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


def main():
    args = parse_args(sys.argv[1:])
    if not args.inner:
        return outer(sys.argv[1:])
    return inner(args)


if __name__ == "__main__":
    sys.exit(main())
